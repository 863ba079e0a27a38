using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Reports;

/// <summary>
/// The work report over <see cref="ReportHistory"/>, each figure checked against what the history's times give by hand:
/// business minutes count 08:30–12:00 and 13:30–17:30 on working days (P3 on CN-BUSINESS), wall minutes for P1 (24x7).
/// </summary>
[TestFixture]
public sealed class WorkReportTests
{
    private ItsmApp _app = null!;
    private TicketClient _manager = null!;
    private JsonNode _report = null!;

    [OneTimeSetUp]
    public async Task BuildHistory()
    {
        _app = new ItsmApp();
        await ReportHistory.BuildAsync(_app);
        _manager = _app.As(Keys.JsItManager);
        _report = await _manager.GetJsonAsync("/api/v1/reports/work?" + ReportHistory.Period);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _manager.Dispose();
        _app.Dispose();
    }

    private static int Int(JsonNode? node) => node!.GetValue<int>();

    private static double? Number(JsonNode? node) => node?.GetValue<double>();

    [Test]
    public void Volumes_CountTicketsRaisedResolvedClosedAndOpenInThePeriod()
    {
        var volumes = _report["volumes"]!;
        // Raised 2 Dec: T4 (P1), T5 (configuration change), T6 (cancelled), T7 (data change), T8; T10 on 10 Dec is after the period.
        Assert.That(Int(volumes["raised"]!["total"]), Is.EqualTo(5));
        Assert.That(volumes["raised"]!["byCategory"]!.ToJsonString(),
            Is.EqualTo("""{"ApplicationProblem":3,"ConfigurationChange":1,"DataChange":1}"""));
        Assert.That(volumes["raised"]!["byPriority"]!.ToJsonString(), Is.EqualTo("""{"P1":1,"P3":4}"""));
        Assert.That(volumes["raised"]!["byLine"]!.ToJsonString(), Is.EqualTo("""{"Line2System":3,"None":2}"""));
        Assert.That(volumes["raised"]!["bySystem"]!.ToJsonString(), Is.EqualTo("""{"ERP":5}"""));
        // Resolved (latest resolution) in the period: T1 (again, after its reopen), T2, T3, T4, T5.
        Assert.That(Int(volumes["resolved"]!["total"]), Is.EqualTo(5));
        // Closed: T1 (confirmed), T5 (evaluated), T7 (rejected); T6's cancellation is not a closure.
        Assert.That(Int(volumes["closed"]!["total"]), Is.EqualTo(3));
        // Open at the end: T2, T3, T4, T9 (resolved, not yet closed) and T8 (new).
        Assert.That(Int(volumes["openAtEnd"]!["total"]), Is.EqualTo(5));
        Assert.That(volumes["openAtEnd"]!["byLine"]!.ToJsonString(), Is.EqualTo("""{"Line2System":3,"None":2}"""));
    }

    [Test]
    public void Rates_FollowTheirDefinitions()
    {
        // Of 5 resolved: T3 resolved at first contact by line 1, T2 escalated to HQ; T1 reopened once in the period.
        Assert.That(Number(_report["firstContactResolutionRate"]), Is.EqualTo(0.2));
        Assert.That(Number(_report["escalationRate"]), Is.EqualTo(0.2));
        Assert.That(Number(_report["reopenRate"]), Is.EqualTo(0.2));
    }

    [Test]
    public void SlaCompliance_CountsClocksThatEndedInThePeriod_ByPriority()
    {
        // Response clocks ended 2 Dec: T3 (120 min, met), T4 (P1: 60 wall minutes against 30: breached), T5 and T7 (0 min, met).
        Assert.That(Number(_report["responseSlaCompliance"]), Is.EqualTo(0.75));
        // Resolution clocks ended 2 Dec: T1, T2, T3, T4, T5, all within target; T6 and T7 ended unresolved and do not count.
        Assert.That(Number(_report["resolutionSlaCompliance"]), Is.EqualTo(1.0));
        var p1 = _report["slaByPriority"]!.AsArray().Single(p => p!["priority"]!.GetValue<string>() == "P1")!;
        Assert.That((Int(p1["responseEnded"]), Int(p1["responseMet"]), Number(p1["responseCompliance"])), Is.EqualTo((1, 0, (double?)0.0)));
        var p3 = _report["slaByPriority"]!.AsArray().Single(p => p!["priority"]!.GetValue<string>() == "P3")!;
        Assert.That((Int(p3["responseEnded"]), Int(p3["resolutionEnded"])), Is.EqualTo((3, 4)));
    }

    [Test]
    public void TimeToResolve_AndHqTurnaround_AreBusinessMinutesOfTheEndedClocks()
    {
        // T1: 1 Dec 09:00–11:00 (120) + 2 Dec 09:00–09:30 after the reopen (30) = 150.
        // T2: 1 Dec 09:00–12:00 (180) + 13:30–17:30 (240) + 2 Dec 08:30–11:00 (150) = 570.
        // T3: 1 Dec 16:00–17:30 (90) + 2 Dec 08:30–09:00 (30) = 120.  T4 (24x7): 09:00–12:00 = 180.  T5: 0.
        // Mean (150 + 570 + 120 + 180 + 0) / 5 = 204; the 90th percentile by nearest rank is the 5th of 5: 570.
        var resolve = _report["timeToResolve"]!;
        Assert.That((Int(resolve["count"]), Number(resolve["meanBusinessMinutes"]), Number(resolve["p90BusinessMinutes"])),
            Is.EqualTo((5, (double?)204.0, (double?)570.0)));
        // T2 at HQ: 1 Dec 10:00–12:00 (120) + 13:30–17:30 (240) + 2 Dec 08:30–10:00 (90) = 450.
        var hq = _report["hqTurnaround"]!;
        Assert.That((Int(hq["count"]), Number(hq["meanBusinessMinutes"]), Number(hq["p90BusinessMinutes"])), Is.EqualTo((1, (double?)450.0, (double?)450.0)));
    }

    [Test]
    public void Satisfaction_IsOfTicketsClosedInThePeriodWithARating()
    {
        var satisfaction = _report["satisfaction"]!;
        Assert.That(Number(satisfaction["mean"]), Is.EqualTo(3.5));
        Assert.That(Int(satisfaction["responses"]), Is.EqualTo(2));
        Assert.That(satisfaction["distribution"]!.ToJsonString(), Is.EqualTo("""{"1":0,"2":1,"3":0,"4":0,"5":1}"""));
    }

    [Test]
    public void Inspections_DataQuality_AndChanges_AreCounted()
    {
        var inspections = _report["inspections"]!;
        Assert.That((Int(inspections["scheduled"]), Int(inspections["completed"]), Int(inspections["passed"]), Int(inspections["missed"])),
            Is.EqualTo((2, 1, 1, 1)));
        Assert.That((Number(inspections["completionRate"]), Number(inspections["passRate"])), Is.EqualTo(((double?)0.5, (double?)1.0)));
        // T3 was raised in the previous period and resolved in this one.
        Assert.That((Int(_report["dataQualityIssues"]!["raised"]), Int(_report["dataQualityIssues"]!["resolved"])), Is.EqualTo((0, 1)));
        var changes = _report["changes"]!;
        // Requested T5, T7; approved T5 (T9 was approved on 1 Dec); rejected T7; evaluated effective T5; T9's window ended 8 Dec 11:00.
        Assert.That((Int(changes["requested"]), Int(changes["approved"]), Int(changes["rejected"]), Int(changes["evaluated"]),
            Int(changes["evaluatedEffective"]), Int(changes["evaluationOverdue"])), Is.EqualTo((2, 1, 1, 1, 1, 1)));
    }

    [Test]
    public void Daily_HasEveryLocalDateOfThePeriod()
    {
        var daily = _report["daily"]!.AsArray();
        Assert.That(daily.Select(d => d!["date"]!.GetValue<string>()), Is.EqualTo(Enumerable.Range(2, 8).Select(d => $"2026-12-{d:D2}")));
        Assert.That((Int(daily[0]!["raised"]), Int(daily[0]!["resolved"])), Is.EqualTo((5, 5)));
        Assert.That(daily.Skip(1).Sum(d => Int(d!["raised"]) + Int(d!["resolved"])), Is.Zero);
    }

    [Test]
    public void Previous_IsTheEquallyLongRangeBefore_WithItsOwnFigures()
    {
        var previous = _report["previous"]!;
        Assert.That((previous["from"]!.GetValue<string>(), previous["to"]!.GetValue<string>()), Is.EqualTo(("2026-11-24", "2026-12-02")));
        // Raised 1 Dec: T1, T2, T9, T3. Resolved then and still: T9 only (T1 was resolved again on 2 Dec). All four open on 2 Dec at 00:00.
        Assert.That(Int(previous["volumes"]!["raised"]!["total"]), Is.EqualTo(4));
        Assert.That(Int(previous["volumes"]!["resolved"]!["total"]), Is.EqualTo(1));
        Assert.That(Int(previous["volumes"]!["openAtEnd"]!["total"]), Is.EqualTo(4));
        // Response clocks of T1, T2, T9 ended at triage after 30 minutes; T9's resolution after 120.
        Assert.That(Number(previous["responseSlaCompliance"]), Is.EqualTo(1.0));
        Assert.That(Number(previous["timeToResolve"]!["meanBusinessMinutes"]), Is.EqualTo(120.0));
        Assert.That((Int(previous["changes"]!["approved"]), Int(previous["changes"]!["evaluationOverdue"])), Is.EqualTo((1, 0)));
        Assert.That(Int(previous["dataQualityIssues"]!["raised"]), Is.EqualTo(1));
    }

    [Test]
    public void Definitions_NameEveryFigure()
    {
        var definitions = _report["definitions"]!.AsObject();
        foreach (var figure in new[] { "firstContactResolutionRate", "responseSlaCompliance", "resolutionSlaCompliance", "timeToResolve",
                     "escalationRate", "hqTurnaround", "reopenRate", "satisfaction", "inspections", "dataQualityIssues", "volumes.raised", "changes.evaluationOverdue" })
            Assert.That(definitions[figure]?.GetValue<string>(), Is.Not.Empty, figure);
    }

    [Test]
    public async Task Report_OfACalendarMonth_ComparesWithThePreviousMonth()
    {
        var report = await _manager.GetJsonAsync("/api/v1/reports/work?unit=JS&from=2026-12-01&to=2027-01-01");
        Assert.That((report["previous"]!["from"]!.GetValue<string>(), report["previous"]!["to"]!.GetValue<string>()), Is.EqualTo(("2026-11-01", "2026-12-01")));
        Assert.That(Int(report["volumes"]!["raised"]!["total"]), Is.EqualTo(10));
    }

    [Test]
    public async Task Report_OfAQuarter_ComparesWithThePreviousQuarter()
    {
        var report = await _manager.GetJsonAsync("/api/v1/reports/work?unit=JS&from=2026-10-01&to=2027-01-01");
        Assert.That((report["previous"]!["from"]!.GetValue<string>(), report["previous"]!["to"]!.GetValue<string>()), Is.EqualTo(("2026-07-01", "2026-10-01")));
    }

    [Test]
    public async Task Report_OfTheUnitAlone_LeavesOutItsSubunits_AndWithThem_SplitsBySubunit()
    {
        var alone = await _manager.GetJsonAsync("/api/v1/reports/work?unit=JS-NJ&from=2026-12-02&to=2026-12-10");
        var with = await _manager.GetJsonAsync("/api/v1/reports/work?" + ReportHistory.Period + "&includeSubunits=true");
        Assert.That(Int(alone["volumes"]!["raised"]!["total"]), Is.Zero);
        Assert.That(with["volumes"]!["raised"]!["bySubunit"]!.ToJsonString(), Is.EqualTo("""{"JS":5}"""));
    }

    [Test]
    public async Task Report_OfAnotherSystem_IsEmpty()
    {
        var report = await _manager.GetJsonAsync("/api/v1/reports/work?" + ReportHistory.Period + "&system=HR");
        Assert.That(Int(report["volumes"]!["raised"]!["total"]), Is.Zero);
        Assert.That(report["system"]!.GetValue<string>(), Is.EqualTo("HR"));
    }

    [Test]
    public async Task Report_ForABusinessApprover_CoversTheirDepartmentsSystemsOnly()
    {
        using var finance = _app.As(Keys.JsApprover);
        using var hr = _app.As(Keys.JsHrApprover);
        var erp = await finance.GetJsonAsync("/api/v1/reports/work?" + ReportHistory.Period);
        var none = await hr.GetJsonAsync("/api/v1/reports/work?" + ReportHistory.Period);
        var foreign = await hr.Http.GetAsync("/api/v1/reports/work?" + ReportHistory.Period + "&system=ERP");
        Assert.That(Int(erp["volumes"]!["raised"]!["total"]), Is.EqualTo(5));
        Assert.That(Int(none["volumes"]!["raised"]!["total"]), Is.Zero);
        await TicketClient.ExpectProblemAsync(foreign, HttpStatusCode.NotFound);
    }

    [TestCase(Keys.JsRequester)]
    [TestCase(Keys.JsEngineer)]
    public async Task Report_ForOtherRoles_IsForbidden(string key)
    {
        using var caller = _app.As(key);
        await TicketClient.ExpectProblemAsync(await caller.Http.GetAsync("/api/v1/reports/work?" + ReportHistory.Period), HttpStatusCode.Forbidden);
    }

    [TestCase("unit=JS&from=2026-12-10&to=2026-12-02", "from")]
    [TestCase("unit=JS&from=2026-12-02&to=2026-12-02", "from")]
    [TestCase("unit=JS&from=2026-01-01&to=2027-01-03", "to")]
    [TestCase("unit=JS&from=2026-13-01&to=2026-12-10", "from")]
    [TestCase("unit=JS&from=2026-12-02&to=10.12.2026", "to")]
    [TestCase("unit=JS&to=2026-12-10", "from")]
    [TestCase("unit=JS&from=2026-12-02", "to")]
    public async Task Report_WithABadPeriod_Is400NamingTheParameter(string query, string parameter)
    {
        var problem = await TicketClient.ExpectProblemAsync(await _manager.Http.GetAsync("/api/v1/reports/work?" + query), HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]![parameter], Is.Not.Null, problem.ToJsonString());
    }

    [TestCase("unit=NOPE&from=2026-12-02&to=2026-12-10")]
    [TestCase("unit=ZJ&from=2026-12-02&to=2026-12-10")]
    [TestCase("unit=HQ&from=2026-12-02&to=2026-12-10")]
    [TestCase("unit=JS&from=2026-12-02&to=2026-12-10&system=NOPE")]
    public async Task Report_OfAnUnknownOrForeignUnitOrSystem_Is404(string query) =>
        await TicketClient.ExpectProblemAsync(await _manager.Http.GetAsync("/api/v1/reports/work?" + query), HttpStatusCode.NotFound);

    [Test]
    public async Task Report_ForAnHqManager_CoversAnyUnit()
    {
        using var hq = _app.As(Keys.HqItManager);
        var report = await hq.GetJsonAsync("/api/v1/reports/work?" + ReportHistory.Period);
        Assert.That(Int(report["volumes"]!["raised"]!["total"]), Is.EqualTo(5));
    }

    [Test]
    public async Task Report_InAnUnsupportedMediaTypeOrLanguage_Is406WithTheSupportedList()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/work?" + ReportHistory.Period);
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/pdf"));
        var type = await TicketClient.ExpectProblemAsync(await _manager.Http.SendAsync(request), HttpStatusCode.NotAcceptable);
        var lang = await TicketClient.ExpectProblemAsync(await _manager.Http.GetAsync("/api/v1/reports/work?" + ReportHistory.Period + "&lang=fr"),
            HttpStatusCode.NotAcceptable);
        Assert.That(type["supported"]!.AsArray().Select(s => s!.GetValue<string>()), Is.EqualTo(new[] { "application/json", "text/csv", "text/html" }));
        Assert.That(lang["supported"]!.AsArray().Select(s => s!.GetValue<string>()), Is.EqualTo(new[] { "zh-CN", "en" }));
    }
}
