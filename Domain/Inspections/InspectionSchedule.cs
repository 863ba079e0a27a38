using System.Globalization;
using Itsm.Domain.Sla;

namespace Itsm.Domain.Inspections;

/// <summary>
/// When runs are due: <see cref="Times"/> ("09:00") on the days <see cref="Days"/> names, in the time zone of
/// <see cref="Calendar"/>: <c>Working</c> (the calendar's working days: holidays are skipped, make-up days are worked),
/// <c>Daily</c>, <c>Weekly:Mon,Thu</c> or <c>Monthly:1,15</c> (a day a month does not have is skipped).
/// </summary>
public sealed record InspectionSchedule(string Calendar, IReadOnlyList<string> Times, string Days)
{
    private const int SearchDays = 800;

    private static readonly Dictionary<string, DayOfWeek> WeekDays = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Mon"] = DayOfWeek.Monday, ["Tue"] = DayOfWeek.Tuesday, ["Wed"] = DayOfWeek.Wednesday, ["Thu"] = DayOfWeek.Thursday,
        ["Fri"] = DayOfWeek.Friday, ["Sat"] = DayOfWeek.Saturday, ["Sun"] = DayOfWeek.Sunday,
    };

    /// <summary>Shape errors by field (relative to the schedule: <c>times[1]</c>, <c>days</c>); empty when valid.</summary>
    public IReadOnlyDictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        if (Times is null || Times.Count == 0 || Times.Count > 24) errors["times"] = "between 1 and 24 times of day are required.";
        else
        {
            for (var i = 0; i < Times.Count; i++)
                if (Minute(Times[i]) is null) errors[$"times[{i}]"] = $"'{Times[i]}' is not a time of day HH:mm (00:00–23:59).";
            if (errors.Count == 0 && Times.Distinct().Count() != Times.Count) errors["times"] = "a time of day is listed twice.";
        }
        if (Rule(Days) is null)
            errors["days"] = "days must be Working, Daily, Weekly:<Mon,Tue,…> or Monthly:<1–31,…>.";
        return errors;
    }

    /// <summary>The first due instant strictly after <paramref name="after"/>, or null when none falls within two years.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after, BusinessCalendar calendar)
    {
        var rule = Rule(Days) ?? throw new InvalidOperationException($"Invalid days '{Days}'.");
        var minutes = Times.Select(t => Minute(t)!.Value).Order().ToList();
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(after, calendar.TimeZone).DateTime);
        for (var i = 0; i < SearchDays; i++, date = date.AddDays(1))
        {
            if (!rule(date, calendar)) continue;
            foreach (var minute in minutes)
                if (Instant(date, minute, calendar.TimeZone) is { } at && at > after) return at;
        }
        return null;
    }

    private static Func<DateOnly, BusinessCalendar, bool>? Rule(string? days)
    {
        if (days is null) return null;
        if (days == "Working") return (d, c) => c.PeriodsOn(d).Count > 0;
        if (days == "Daily") return (_, _) => true;
        var (kind, list) = days.IndexOf(':') is var colon and > 0 ? (days[..colon], days[(colon + 1)..].Split(',')) : ("", []);
        if (kind == "Weekly" && list.Length is > 0 and <= 7 && list.All(WeekDays.ContainsKey))
        {
            var set = list.Select(d => WeekDays[d]).ToHashSet();
            return (d, _) => set.Contains(d.DayOfWeek);
        }
        if (kind == "Monthly" && list.Length is > 0 and <= 31
            && list.All(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 31))
        {
            var set = list.Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToHashSet();
            return (d, _) => set.Contains(d.Day);
        }
        return null;
    }

    private static int? Minute(string? text) =>
        text is { Length: 5 } && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t.Hour * 60 + t.Minute : null;

    /// <summary>The instant of a local time; a time a daylight-saving change skips does not occur that day.</summary>
    private static DateTimeOffset? Instant(DateOnly date, int minute, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).AddMinutes(minute);
        if (zone.IsInvalidTime(local)) return null;
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
