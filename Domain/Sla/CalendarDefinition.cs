using System.Globalization;
using System.Text.RegularExpressions;

namespace Itsm.Domain.Sla;

/// <summary>A period as written: <c>{"start": "08:30", "end": "12:00"}</c>; <c>24:00</c> is the end of the day.</summary>
public sealed record PeriodDefinition(string Start, string End);

/// <summary>
/// A calendar as clients write it. <see cref="Validate"/> names every field that is wrong; <see cref="ToCalendar"/>
/// builds the calendar once it is valid.
/// </summary>
public sealed partial record CalendarDefinition(
    string Name, string TimeZone, IReadOnlyDictionary<string, IReadOnlyList<PeriodDefinition>> Week,
    IReadOnlyList<DateOnly>? Holidays = null, IReadOnlyList<DateOnly>? Workdays = null)
{
    private static readonly Dictionary<string, DayOfWeek> Days =
        Enum.GetValues<DayOfWeek>().ToDictionary(d => d.ToString().ToLowerInvariant(), d => d);

    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200) errors["name"] = ["name is required (at most 200 characters)."];
        if (FindZone(TimeZone) is null) errors["timeZone"] = [$"'{TimeZone}' is not a known IANA time zone (e.g. Asia/Shanghai)."];
        foreach (var day in Week.Keys.Where(d => !Days.ContainsKey(d)))
            errors[$"week.{day}"] = ["not a day of the week (monday … sunday)."];
        foreach (var (day, periods) in Week.Where(w => Days.ContainsKey(w.Key)))
        {
            var parsed = periods.Select((p, i) => (Index: i, Start: Minute(p.Start, false), End: Minute(p.End, true))).ToList();
            foreach (var p in parsed)
            {
                var field = $"week.{day}[{p.Index}]";
                if (p.Start is null || p.End is null) errors[field] = ["start and end are times HH:mm (end may be 24:00)."];
                else if (p.End <= p.Start) errors[field] = [$"ends ({periods[p.Index].End}) before or when it starts ({periods[p.Index].Start})."];
            }
            var ordered = parsed.Where(p => p.Start < p.End).OrderBy(p => p.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
                if (ordered[i].Start < ordered[i - 1].End)
                    errors[$"week.{day}[{ordered[i].Index}]"] = [$"overlaps period {ordered[i - 1].Index} of {day}."];
        }
        foreach (var date in (Holidays ?? []).Intersect(Workdays ?? []))
            errors[$"workdays.{date:yyyy-MM-dd}"] = [$"{date:yyyy-MM-dd} is both a holiday and a make-up working day."];
        if (errors.Count == 0 && !Week.Values.Any(periods => periods.Count > 0))
            errors["week"] = ["the calendar has no working time at all."];
        else if (errors.Count == 0 && WeeklyMinutes() < MinWeeklyMinutes)
            // The longest target (a year of minutes) must fall within the arithmetic's reach (well before year 9999).
            errors["week"] = [$"the calendar has {WeeklyMinutes()} working minutes a week; at least {MinWeeklyMinutes} are needed."];
        return errors;
    }

    /// <summary>Two working hours a week at least: then every target up to <see cref="SlaPolicy.MaxTargetMinutes"/> is due within a century.</summary>
    public const int MinWeeklyMinutes = 120;

    private int WeeklyMinutes() => Week.Where(w => Days.ContainsKey(w.Key))
        .Sum(w => w.Value.Sum(p => (Minute(p.End, true) ?? 0) - (Minute(p.Start, false) ?? 0)));

    public BusinessCalendar ToCalendar(string code) => new(code, Name.Trim(), FindZone(TimeZone)!,
        Week.ToDictionary(w => Days[w.Key], w => (IReadOnlyList<WorkingPeriod>)w.Value
            .Select(p => new WorkingPeriod(Minute(p.Start, false)!.Value, Minute(p.End, true)!.Value)).OrderBy(p => p.Start).ToList()),
        (Holidays ?? []).ToHashSet(), (Workdays ?? []).ToHashSet());

    public static CalendarDefinition From(BusinessCalendar calendar) => new(calendar.Name, calendar.TimeZone.Id,
        Enum.GetValues<DayOfWeek>().OrderBy(d => ((int)d + 6) % 7).ToDictionary(d => d.ToString().ToLowerInvariant(),
            d => (IReadOnlyList<PeriodDefinition>)calendar.Week(d).Select(p => new PeriodDefinition(WorkingPeriod.Format(p.Start), WorkingPeriod.Format(p.End))).ToList()),
        calendar.Holidays.Order().ToList(), calendar.Workdays.Order().ToList());

    /// <summary>
    /// IANA zone ids only (Area/Location, or UTC): the system's zone database also holds directories ("Asia") and
    /// files that are not zones ("posixrules"), which the lookup would otherwise try to read.
    /// </summary>
    private static TimeZoneInfo? FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || !(id == "UTC" || AreaLocation().IsMatch(id))) return null;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or IOException or UnauthorizedAccessException
                                      or System.Security.SecurityException) { return null; }
    }

    [GeneratedRegex(@"^[A-Z][A-Za-z_]+(/[A-Z][A-Za-z0-9_+\-]+){1,2}$")]
    private static partial Regex AreaLocation();

    private static int? Minute(string? text, bool allowEndOfDay)
    {
        if (allowEndOfDay && text == "24:00") return 1440;
        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.Hour * 60 + time.Minute : null;
    }
}
