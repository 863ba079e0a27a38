using Itsm.Domain.Sla;
using Itsm.Infrastructure.Sla;

namespace Itsm.Api.Tests.ServiceLevels;

/// <summary>The calendar arithmetic, exhaustively: CN-BUSINESS is Mon–Fri 08:30–12:00 and 13:30–17:30 in Asia/Shanghai.</summary>
[TestFixture]
public sealed class BusinessCalendarTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static readonly CalendarDefinition CnBusiness = SlaDefaults.Calendars.Single(c => c.Code == "CN-BUSINESS").Definition;

    /// <summary>National Day 2026: Oct 1–7 off; Sunday Sep 27 and Saturday Oct 10 worked instead (调休).</summary>
    private static readonly BusinessCalendar NationalDay = (CnBusiness with
    {
        Holidays = [.. Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d))],
        Workdays = [new DateOnly(2026, 9, 27), new DateOnly(2026, 10, 10)],
    }).ToCalendar("CN-2026");

    private static readonly BusinessCalendar Business = CnBusiness.ToCalendar("CN-BUSINESS");

    private static DateTimeOffset At(int month, int day, int hour, int minute, int year = 2026) => new(year, month, day, hour, minute, 0, China);

    [TestCase(12, 4, 16, 0, 120, 12, 7, 9, 0, TestName = "Friday 16:00 + 120 min: 90 on Friday, 30 on Monday")]
    [TestCase(12, 1, 11, 0, 90, 12, 1, 14, 0, TestName = "over the lunch break")]
    [TestCase(12, 1, 11, 30, 30, 12, 1, 12, 0, TestName = "ending exactly at a period's end is due at that end")]
    [TestCase(12, 1, 17, 0, 30, 12, 1, 17, 30, TestName = "ending exactly at the day's end")]
    [TestCase(12, 1, 12, 30, 10, 12, 1, 13, 40, TestName = "start in the lunch break counts from 13:30")]
    [TestCase(12, 1, 6, 0, 10, 12, 1, 8, 40, TestName = "start before the day counts from 08:30")]
    [TestCase(12, 1, 20, 0, 10, 12, 2, 8, 40, TestName = "start after the day counts from the next morning")]
    [TestCase(12, 5, 10, 0, 10, 12, 7, 8, 40, TestName = "start on Saturday counts from Monday")]
    [TestCase(12, 1, 8, 30, 450, 12, 1, 17, 30, TestName = "one business day is 450 minutes")]
    [TestCase(12, 1, 8, 30, 451, 12, 2, 8, 31, TestName = "one minute more is the next morning")]
    [TestCase(12, 31, 17, 0, 60, 1, 1, 9, 0, TestName = "over the year end (no holidays listed)")]
    public void AddBusinessMinutes_OnCnBusiness(int month, int day, int hour, int minute, int budget, int dueMonth, int dueDay, int dueHour, int dueMinute)
    {
        var due = Business.AddBusinessMinutes(At(month, day, hour, minute), budget);

        Assert.That(due, Is.EqualTo(At(dueMonth, dueDay, dueHour, dueMinute, dueMonth < month ? 2027 : 2026)));
    }

    [Test]
    public void ZeroBudget_IsDueAtTheFirstWorkingInstant()
    {
        Assert.That(Business.AddBusinessMinutes(At(12, 1, 10, 0), 0), Is.EqualTo(At(12, 1, 10, 0)));
        Assert.That(Business.AddBusinessMinutes(At(12, 5, 10, 0), 0), Is.EqualTo(At(12, 7, 8, 30)));
    }

    [Test]
    public void HolidayRunOverAWeekend_IsSkippedAndMakeUpDaysAreWorked()
    {
        Assert.That(NationalDay.AddBusinessMinutes(At(9, 30, 17, 0), 60), Is.EqualTo(At(10, 8, 9, 0)), "Oct 1–7 off, weekend Oct 3–4 inside the run");
        Assert.That(NationalDay.AddBusinessMinutes(At(9, 26, 10, 0), 60), Is.EqualTo(At(9, 27, 9, 30)), "Sunday Sep 27 is a make-up working day");
        Assert.That(NationalDay.AddBusinessMinutes(At(10, 9, 17, 0), 60), Is.EqualTo(At(10, 10, 9, 0)), "Saturday Oct 10 works with Monday's periods");
        Assert.That(NationalDay.PeriodsOn(new DateOnly(2026, 10, 10)).Select(p => p.ToString()), Is.EqualTo(new[] { "08:30–12:00", "13:30–17:30" }));
        Assert.That(NationalDay.BusinessTimeBetween(At(9, 30, 17, 0), At(10, 8, 9, 0)), Is.EqualTo(TimeSpan.FromMinutes(60)));
    }

    [Test]
    public void VeryLargeBudget_RunsOverYearsOfWorkingDays()
    {
        var start = At(1, 5, 8, 30);
        var due = Business.AddBusinessMinutes(start, 450 * 261 * 2);

        Assert.That(Business.BusinessTimeBetween(start, due).TotalMinutes, Is.EqualTo(450 * 261 * 2));
        Assert.That(due.Year, Is.EqualTo(2028));
    }

    [Test]
    public void BusinessTimeBetween_IsTheInverseOfAddBusinessMinutes()
    {
        var random = new Random(20261127);
        for (var i = 0; i < 500; i++)
        {
            var start = At(1, 1, 0, 0).AddMinutes(random.Next(0, 365 * 24 * 60));
            var minutes = random.Next(0, 20_000);
            var due = NationalDay.AddBusinessMinutes(start, minutes);
            Assert.That(NationalDay.BusinessTimeBetween(start, due).TotalMinutes, Is.EqualTo(minutes).Within(1e-6), $"{start:O} + {minutes}");
        }
    }

    [Test]
    public void BusinessTimeBetween_CountsOnlyWorkingPeriods()
    {
        Assert.That(Business.BusinessTimeBetween(At(12, 4, 16, 0), At(12, 7, 9, 0)), Is.EqualTo(TimeSpan.FromMinutes(120)));
        Assert.That(Business.BusinessTimeBetween(At(12, 5, 0, 0), At(12, 6, 23, 59)), Is.EqualTo(TimeSpan.Zero));
        Assert.That(Business.BusinessTimeBetween(At(12, 7, 9, 0), At(12, 4, 16, 0)), Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void DaylightSaving_RealMinutesAreCounted()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var aroundTheClock = new CalendarDefinition("24x7 NY", "America/New_York",
            Enum.GetNames<DayOfWeek>().ToDictionary(d => d.ToLowerInvariant(), _ => (IReadOnlyList<PeriodDefinition>)[new("00:00", "24:00")])).ToCalendar("NY");
        var office = new CalendarDefinition("NY office", "America/New_York", new Dictionary<string, IReadOnlyList<PeriodDefinition>>
        {
            ["monday"] = [new("09:00", "17:00")], ["tuesday"] = [new("09:00", "17:00")], ["wednesday"] = [new("09:00", "17:00")],
            ["thursday"] = [new("09:00", "17:00")], ["friday"] = [new("09:00", "17:00")],
        }).ToCalendar("NY-OFFICE");
        var saturdayNoon = new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.FromHours(-5));

        var due = aroundTheClock.AddBusinessMinutes(saturdayNoon, 24 * 60);

        Assert.That(due, Is.EqualTo(saturdayNoon.AddHours(24)), "the spring-forward day has 23 hours");
        Assert.That(TimeZoneInfo.ConvertTime(due, newYork).Hour, Is.EqualTo(13));
        var fridayFour = new DateTimeOffset(2026, 3, 6, 16, 0, 0, TimeSpan.FromHours(-5));
        Assert.That(office.AddBusinessMinutes(fridayFour, 120), Is.EqualTo(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.FromHours(-4))));
        var fallBack = new DateTimeOffset(2026, 10, 31, 12, 0, 0, TimeSpan.FromHours(-4));
        Assert.That(aroundTheClock.AddBusinessMinutes(fallBack, 24 * 60), Is.EqualTo(fallBack.AddHours(24)), "the fall-back day has 25 hours");
    }

    [Test]
    public void AddWorkingDays_SkipsWeekendsAndHolidays()
    {
        Assert.That(Business.AddWorkingDays(At(12, 4, 16, 0), 5), Is.EqualTo(At(12, 11, 16, 0)));
        Assert.That(NationalDay.AddWorkingDays(At(9, 30, 10, 0), 2), Is.EqualTo(At(10, 9, 10, 0)));
    }

    public static IEnumerable<TestCaseData> BadCalendars()
    {
        IReadOnlyList<PeriodDefinition> Day(params (string, string)[] p) => p.Select(x => new PeriodDefinition(x.Item1, x.Item2)).ToList();
        CalendarDefinition With(string day, IReadOnlyList<PeriodDefinition> periods) =>
            CnBusiness with { Week = new Dictionary<string, IReadOnlyList<PeriodDefinition>>(CnBusiness.Week) { [day] = periods } };

        yield return new TestCaseData(With("monday", Day(("12:00", "08:30"))), "week.monday[0]").SetName("a period ending before it starts");
        yield return new TestCaseData(With("monday", Day(("08:30", "12:00"), ("11:00", "13:00"))), "week.monday[1]").SetName("overlapping periods");
        yield return new TestCaseData(With("monday", Day(("8h", "12:00"))), "week.monday[0]").SetName("a time that is not HH:mm");
        yield return new TestCaseData(With("funday", Day(("08:00", "09:00"))), "week.funday").SetName("an unknown day");
        yield return new TestCaseData(CnBusiness with { TimeZone = "Mars/Olympus" }, "timeZone").SetName("an unknown time zone");
        yield return new TestCaseData(CnBusiness with { Holidays = [new DateOnly(2026, 10, 10)], Workdays = [new DateOnly(2026, 10, 10)] },
            "workdays.2026-10-10").SetName("a date that is both holiday and make-up day");
        yield return new TestCaseData(CnBusiness with { Week = new Dictionary<string, IReadOnlyList<PeriodDefinition>> { ["monday"] = [] } }, "week")
            .SetName("no working time at all");
    }

    [TestCaseSource(nameof(BadCalendars))]
    public void Validate_NamesTheField(CalendarDefinition definition, string field) =>
        Assert.That(definition.Validate().Keys, Does.Contain(field));

    [Test]
    public void Validate_AcceptsTheDefaults() =>
        Assert.That(SlaDefaults.Calendars.SelectMany(c => c.Definition.Validate().Keys), Is.Empty);
}
