namespace Itsm.Domain.Sla;

/// <summary>A working period within a day, in minutes from local midnight: [Start, End), End up to 1440 (24:00).</summary>
public readonly record struct WorkingPeriod(int Start, int End)
{
    public int Minutes => End - Start;

    public override string ToString() => $"{Format(Start)}–{Format(End)}";

    public static string Format(int minute) => $"{minute / 60:D2}:{minute % 60:D2}";
}

/// <summary>
/// When business time runs: working periods per weekday in a time zone, minus holidays, plus make-up working days
/// (调休: a weekend date that is worked, with Monday's periods). All arithmetic is on real instants, so a day with a
/// daylight-saving change has the minutes it really has.
/// </summary>
public sealed class BusinessCalendar
{
    /// <summary>Beyond this many days without a working period the calendar is considered to have no working time.</summary>
    private const int MaxIdleDays = 3700;

    private readonly IReadOnlyDictionary<DayOfWeek, IReadOnlyList<WorkingPeriod>> _week;

    public BusinessCalendar(string code, string name, TimeZoneInfo timeZone, IReadOnlyDictionary<DayOfWeek, IReadOnlyList<WorkingPeriod>> week,
        IReadOnlySet<DateOnly> holidays, IReadOnlySet<DateOnly> workdays)
    {
        Code = code;
        Name = name;
        TimeZone = timeZone;
        _week = Enum.GetValues<DayOfWeek>().ToDictionary(d => d, d => week.GetValueOrDefault(d) ?? []);
        Holidays = holidays;
        Workdays = workdays;
    }

    public string Code { get; }
    public string Name { get; }
    public TimeZoneInfo TimeZone { get; }
    public IReadOnlySet<DateOnly> Holidays { get; }
    public IReadOnlySet<DateOnly> Workdays { get; }

    public IReadOnlyList<WorkingPeriod> Week(DayOfWeek day) => _week[day];

    /// <summary>The working periods of a local date: none on a holiday, Monday's on a make-up working day.</summary>
    public IReadOnlyList<WorkingPeriod> PeriodsOn(DateOnly date) =>
        Holidays.Contains(date) ? [] : Workdays.Contains(date) ? _week[DayOfWeek.Monday] : _week[date.DayOfWeek];

    /// <summary>
    /// The instant at which <paramref name="minutes"/> of business time have run from <paramref name="start"/>. A start
    /// outside working time counts from the next working period; a budget that ends exactly at a period's end is due at
    /// that end; a zero budget is due at the first working instant at or after the start.
    /// </summary>
    public DateTimeOffset AddBusinessMinutes(DateTimeOffset start, double minutes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minutes);
        var remaining = TimeSpan.FromMinutes(minutes);
        foreach (var (from, to) in WorkingIntervalsFrom(start))
        {
            var available = to - from;
            if (remaining <= available) return from + remaining;
            remaining -= available;
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Business time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan BusinessTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        if (to <= from) return total;
        foreach (var (start, end) in WorkingIntervalsFrom(from))
        {
            if (start >= to) break;
            total += (end < to ? end : to) - start;
            if (end >= to) break;
        }
        return total;
    }

    /// <summary>The instant <paramref name="days"/> working days after <paramref name="start"/>, at the same local time of day.</summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int days)
    {
        var local = TimeZoneInfo.ConvertTime(start, TimeZone);
        var date = DateOnly.FromDateTime(local.DateTime);
        for (int counted = 0, idle = 0; counted < days;)
        {
            date = date.AddDays(1);
            if (PeriodsOn(date).Count > 0) (counted, idle) = (counted + 1, 0);
            else if (++idle > MaxIdleDays) throw new InvalidOperationException($"Calendar {Code} has no working time.");
        }
        return Instant(date, (int)local.TimeOfDay.TotalMinutes) + TimeSpan.FromTicks(local.TimeOfDay.Ticks % TimeSpan.TicksPerMinute);
    }

    /// <summary>The working intervals, as instants, from <paramref name="start"/> onwards (the first one cut at the start).</summary>
    private IEnumerable<(DateTimeOffset From, DateTimeOffset To)> WorkingIntervalsFrom(DateTimeOffset start)
    {
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, TimeZone).DateTime).AddDays(-1);
        for (var idle = 0; idle <= MaxIdleDays; date = date.AddDays(1))
        {
            var periods = PeriodsOn(date);
            idle = periods.Count == 0 ? idle + 1 : 0;
            foreach (var period in periods)
            {
                var (from, to) = (Instant(date, period.Start), Instant(date, period.End));
                if (to <= start) continue;
                yield return (from < start ? start : from, to);
            }
        }
        throw new InvalidOperationException($"Calendar {Code} has no working time.");
    }

    /// <summary>The instant of a local date and minute; a local time skipped by a daylight-saving change moves to the change.</summary>
    private DateTimeOffset Instant(DateOnly date, int minute)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).AddMinutes(minute);
        while (TimeZone.IsInvalidTime(local)) local = local.AddMinutes(1);
        var offset = TimeZone.IsAmbiguousTime(local) ? TimeZone.GetAmbiguousTimeOffsets(local).Max() : TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
