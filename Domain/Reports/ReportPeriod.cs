namespace Itsm.Domain.Reports;

/// <summary>
/// A report's period: local dates [From, To) in the unit's calendar time zone, and the instants they stand for.
/// </summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To, TimeZoneInfo TimeZone)
{
    public const int MaxDays = 366;

    public DateTimeOffset Start => StartOf(From);

    public DateTimeOffset End => StartOf(To);

    public int Days => To.DayNumber - From.DayNumber;

    private DateTimeOffset StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        // A midnight skipped by a clock change starts at the first instant after it.
        while (TimeZone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// The preceding period of the same kind: the previous calendar month for a calendar month, the previous quarter for a
    /// quarter, otherwise the range of equal length just before.
    /// </summary>
    public ReportPeriod Previous()
    {
        if (From.Day == 1 && To == From.AddMonths(1)) return this with { From = From.AddMonths(-1), To = From };
        if (From.Day == 1 && From.Month % 3 == 1 && To == From.AddMonths(3)) return this with { From = From.AddMonths(-3), To = From };
        return this with { From = From.AddDays(-Days), To = From };
    }

    /// <summary>The local date an instant falls on.</summary>
    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);
}
