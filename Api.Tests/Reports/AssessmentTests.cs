using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Csv;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Reports;

/// <summary>
/// Assessment over <see cref="ReportHistory"/>: in December 2026 unit JS has one missed inspection (3 Dec) and one
/// low satisfaction rating (T1 confirmed with 2); ZJ has nothing. Rules are put by each test so the scores are worked out by hand.
/// </summary>
[TestFixture]
public sealed class AssessmentTests
{
    private const string December = "/api/v1/assessments?period=2026-12";

    private ItsmApp _app = null!;
    private TicketClient _hq = null!;

    [SetUp]
    public async Task BuildHistory()
    {
        _app = new ItsmApp();
        await ReportHistory.BuildAsync(_app);
        _hq = _app.As(Keys.HqItManager);
    }

    [TearDown]
    public void Dispose()
    {
        _hq.Dispose();
        _app.Dispose();
    }

    private async Task PutRulesAsync(params object[] rules) =>
        await TicketClient.ExpectAsync(await _hq.Http.PutAsJsonAsync("/api/v1/assessment-rules", new { rules }), HttpStatusCode.OK);

    private static JsonNode Unit(JsonNode assessment, string unit) =>
        assessment["units"]!.AsArray().Single(u => u!["unit"]!.GetValue<string>() == unit)!;

    private static double Points(JsonNode unit, string indicator) =>
        unit["deductions"]!.AsArray().Single(d => d!["indicator"]!.GetValue<string>() == indicator)!["points"]!.GetValue<double>();

    /// <summary>A JS ticket raised, resolved and rated 1 at the given local time in December.</summary>
    private async Task RateOneAsync(int day)
    {
        using var given = new Given(_app);
        _app.Clock.SetUtcNow(ReportHistory.Local(day, 10));
        var id = (await given.Requester.CreateAsync(TicketClient.NewTicket("Printer driver missing"))).Id;
        await given.ServiceDesk.ActOkAsync(id, "resolve", new { code = "Fixed", resolution = "Installed it" });
        await given.Requester.ActOkAsync(id, "confirm", new { satisfaction = 1 });
    }

    [Test]
    public async Task Assessment_DeductsValueTimesPointsUpToTheCap_AndRanksTheProvinces()
    {
        await PutRulesAsync(
            new { indicator = "missedInspections", pointsPerUnit = 7, cap = 5 },
            new { indicator = "lowSatisfaction", pointsPerUnit = 3, cap = 10 },
            new { indicator = "accessReviewsOverdue", pointsPerUnit = 1, cap = 5 });

        var assessment = await _hq.GetJsonAsync(December);

        Assert.That(assessment["unit"]!.GetValue<string>(), Is.EqualTo("HQ"));
        Assert.That(assessment["closed"]!.GetValue<bool>(), Is.False);
        var js = Unit(assessment, "JS");
        // 1 missed inspection × 7 = 7, capped at 5; 1 rating below 3 × 3 = 3; no overdue access review: 100 − 5 − 3 = 92.
        Assert.That(Points(js, "missedInspections"), Is.EqualTo(5));
        Assert.That(js["deductions"]![0]!["value"]!.GetValue<double>(), Is.EqualTo(1));
        Assert.That(Points(js, "lowSatisfaction"), Is.EqualTo(3));
        Assert.That(Points(js, "accessReviewsOverdue"), Is.EqualTo(0));
        Assert.That(js["score"]!.GetValue<double>(), Is.EqualTo(92));
        Assert.That(js["rank"]!.GetValue<int>(), Is.EqualTo(2));
        var zj = Unit(assessment, "ZJ");
        Assert.That((zj["score"]!.GetValue<double>(), zj["rank"]!.GetValue<int>()), Is.EqualTo((100.0, 1)));
        Assert.That(assessment["units"]!.AsArray().Select(u => u!["unit"]!.GetValue<string>()), Is.EqualTo(new[] { "ZJ", "JS" }));
    }

    [Test]
    public async Task Assessment_DeductionsBeyondAHundred_ScoreZero()
    {
        await PutRulesAsync(
            new { indicator = "lowSatisfaction", pointsPerUnit = 60, cap = 60 },
            new { indicator = "missedInspections", pointsPerUnit = 50, cap = 100 });

        var js = Unit(await _hq.GetJsonAsync(December), "JS");

        Assert.That((Points(js, "lowSatisfaction"), Points(js, "missedInspections")), Is.EqualTo((60.0, 50.0)));
        Assert.That(js["score"]!.GetValue<double>(), Is.EqualTo(0));
    }

    [Test]
    public async Task Assessment_EqualScores_ShareARank()
    {
        await PutRulesAsync(new { indicator = "accessReviewsOverdue", pointsPerUnit = 1, cap = 5 });

        var assessment = await _hq.GetJsonAsync(December);

        Assert.That(assessment["units"]!.AsArray().Select(u => (u!["unit"]!.GetValue<string>(), u["score"]!.GetValue<double>(), u["rank"]!.GetValue<int>())),
            Is.EqualTo(new[] { ("JS", 100.0, 1), ("ZJ", 100.0, 1) }));
    }

    [Test]
    public async Task Assessment_OfAProvince_ScoresItsBranches_AndDefaultsToTheCallersUnit()
    {
        using var manager = _app.As(Keys.JsItManager);

        var assessment = await manager.GetJsonAsync(December);

        Assert.That(assessment["unit"]!.GetValue<string>(), Is.EqualTo("JS"));
        Assert.That(assessment["units"]!.AsArray().Select(u => u!["unit"]!.GetValue<string>()), Is.EqualTo(new[] { "JS-NJ" }));
        Assert.That(assessment["units"]![0]!["rank"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public async Task Assessment_CountsAccessReviewsThatBecameOverdueInTheMonth_InTheUnitsSubtree()
    {
        await PutRulesAsync(new { indicator = "accessReviewsOverdue", pointsPerUnit = 2, cap = 5 });
        var opened = await _hq.Http.PostAsJsonAsync("/api/v1/access-reviews",
            new { system = "ERP", unit = "JS-NJ", dueBy = _app.Clock.GetUtcNow().AddDays(1) });
        await TicketClient.ExpectAsync(opened, HttpStatusCode.Created);
        Assert.That(Unit(await _hq.GetJsonAsync(December), "JS")["score"]!.GetValue<double>(), Is.EqualTo(100), "open, not yet overdue");

        _app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await Itsm.Api.Tests.Accounts.Register.PassAsync(_app);

        var js = Unit(await _hq.GetJsonAsync(December), "JS");
        Assert.That((js["deductions"]![0]!["value"]!.GetValue<double>(), js["score"]!.GetValue<double>()), Is.EqualTo((1.0, 98.0)));
        using var province = _app.As(Keys.JsItManager);
        Assert.That((await province.GetJsonAsync(December))["units"]![0]!["score"]!.GetValue<double>(), Is.EqualTo(98), "JS-NJ itself");
        Assert.That(Unit(await _hq.GetJsonAsync("/api/v1/assessments?period=2026-11"), "JS")["score"]!.GetValue<double>(), Is.EqualTo(100), "not November's");
    }

    [Test]
    public async Task Close_FreezesTheScores_AgainstLaterTicketsAndRules_AndCannotBeRepeated()
    {
        await PutRulesAsync(new { indicator = "lowSatisfaction", pointsPerUnit = 4, cap = 20 });
        Assert.That(Unit(await _hq.GetJsonAsync(December), "JS")["score"]!.GetValue<double>(), Is.EqualTo(96));
        // Before closing, a new low rating changes the score.
        await RateOneAsync(14);
        Assert.That(Unit(await _hq.GetJsonAsync(December), "JS")["score"]!.GetValue<double>(), Is.EqualTo(92));

        var closed = await _hq.Http.PostAsync("/api/v1/assessments/2026-12/close", null);
        await TicketClient.ExpectAsync(closed, HttpStatusCode.OK);
        var version = (await _hq.GetJsonAsync("/api/v1/assessment-rules"))["version"]!.GetValue<int>();

        await RateOneAsync(15);
        await PutRulesAsync(new { indicator = "lowSatisfaction", pointsPerUnit = 10, cap = 50 });
        var frozen = await _hq.GetJsonAsync(December);
        Assert.That(frozen["closed"]!.GetValue<bool>(), Is.True);
        Assert.That(frozen["rulesVersion"]!.GetValue<int>(), Is.EqualTo(version));
        var js = Unit(frozen, "JS");
        Assert.That((js["score"]!.GetValue<double>(), Points(js, "lowSatisfaction"), js["rank"]!.GetValue<int>()), Is.EqualTo((92.0, 8.0, 2)));
        using var province = _app.As(Keys.JsItManager);
        Assert.That((await province.GetJsonAsync(December))["units"]![0]!["unit"]!.GetValue<string>(), Is.EqualTo("JS-NJ"));

        var again = await TicketClient.ExpectProblemAsync(await _hq.Http.PostAsync("/api/v1/assessments/2026-12/close", null), HttpStatusCode.Conflict);
        Assert.That(again["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:assessment-closed"));
        // An open month still follows the rules in force.
        Assert.That((await _hq.GetJsonAsync("/api/v1/assessments?period=2026-11"))["rulesVersion"]!.GetValue<int>(), Is.EqualTo(version + 1));
    }

    [Test]
    public async Task Csv_ParsesBackToTheJsonsNumbers()
    {
        await PutRulesAsync(
            new { indicator = "missedInspections", pointsPerUnit = 7, cap = 5 },
            new { indicator = "lowSatisfaction", pointsPerUnit = 2.5, cap = 10 });
        var json = await _hq.GetJsonAsync(December);
        var request = new HttpRequestMessage(HttpMethod.Get, December);
        request.Headers.Accept.ParseAdd("text/csv");

        var response = await _hq.Http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var records = new List<CsvRecord>();
        await foreach (var record in CsvDocument.ReadAsync(new StringReader(Encoding.UTF8.GetString(bytes)))) records.Add(record);

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        Assert.That(records[0].Fields, Is.EqualTo(new[] { "period", "unit", "unitName", "rank", "score", "indicator", "value", "pointsPerUnit", "cap", "points" }));
        var rows = records.Skip(1).ToList();
        Assert.That(rows, Has.Count.EqualTo(4), "two units × two rules");
        static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);
        foreach (var row in rows)
        {
            var unit = Unit(json, row.Fields[1]);
            var deduction = unit["deductions"]!.AsArray().Single(d => d!["indicator"]!.GetValue<string>() == row.Fields[5])!;
            Assert.That((row.Fields[0], D(row.Fields[3]), D(row.Fields[4])), Is.EqualTo(("2026-12", unit["rank"]!.GetValue<double>(), unit["score"]!.GetValue<double>())));
            Assert.That((D(row.Fields[6]), D(row.Fields[7]), D(row.Fields[8]), D(row.Fields[9])), Is.EqualTo((deduction["value"]!.GetValue<double>(),
                deduction["pointsPerUnit"]!.GetValue<double>(), deduction["cap"]!.GetValue<double>(), deduction["points"]!.GetValue<double>())));
        }
        Assert.That(rows.Single(r => r.Fields[1] == "JS" && r.Fields[5] == "lowSatisfaction").Fields[4], Is.EqualTo("92.5"));
    }

    [Test]
    public async Task Html_ShowsTheRankedTableWithBars_InTheLanguageAsked()
    {
        await PutRulesAsync(new { indicator = "missedInspections", pointsPerUnit = 7, cap = 5 });
        var request = new HttpRequestMessage(HttpMethod.Get, December + "&lang=zh-CN");
        request.Headers.Accept.ParseAdd("text/html");

        var response = await _hq.Http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(html, Does.Contain("业务运维考核").And.Contain("<table class=\"ranking\">").And.Contain("漏检次数"));
        Assert.That(html, Does.Contain("""data-unit="JS" data-figure="score">95<""").And.Contain("""data-unit="ZJ" data-figure="rank">1<"""));
        Assert.That(html, Does.Contain("""<span style="width:95%">"""));
        Assert.That(html.IndexOf("""data-unit="ZJ" data-figure="rank">""", StringComparison.Ordinal),
            Is.LessThan(html.IndexOf("""data-unit="JS" data-figure="rank">""", StringComparison.Ordinal)), "ranked order");
        Assert.That(html, Does.Not.Contain("<script").And.Not.Contain("http://").And.Not.Contain("https://"));
        // Generated at: local time with its offset, as on the work report.
        Assert.That(html, Does.Match(@"生成时间: \d{4}-\d\d-\d\d \d\d:\d\d UTC\+08:00</p>"));
    }
}

/// <summary>Assessment input that is refused, on an empty history.</summary>
[TestFixture]
public sealed class AssessmentInputTests
{
    private ItsmApp _app = null!;
    private TicketClient _hq = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _app = new ItsmApp();
        _hq = _app.As(Keys.HqItManager);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _hq.Dispose();
        _app.Dispose();
    }

    [TestCase("2026-13")]
    [TestCase("2026-1")]
    [TestCase("1999-12")]
    [TestCase("2027-01")]
    [TestCase("26-11")]
    [TestCase("")]
    public async Task Get_MalformedOrFuturePeriod_Is400NamingPeriod(string period)
    {
        var problem = await TicketClient.ExpectProblemAsync(await _hq.Http.GetAsync("/api/v1/assessments?period=" + period), HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "period" }));
    }

    [Test]
    public async Task Close_MalformedPeriod_Is400NamingPeriod()
    {
        var problem = await TicketClient.ExpectProblemAsync(await _hq.Http.PostAsync("/api/v1/assessments/2026-13/close", null), HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!["period"], Is.Not.Null);
    }

    [Test]
    public async Task Get_UnknownOrForeignUnit_Is404()
    {
        await TicketClient.ExpectProblemAsync(await _hq.Http.GetAsync("/api/v1/assessments?period=2026-11&unit=XX"), HttpStatusCode.NotFound);
        using var zj = _app.As(Keys.ZjItManager);
        await TicketClient.ExpectProblemAsync(await zj.Http.GetAsync("/api/v1/assessments?period=2026-11&unit=JS"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Get_UnsupportedAccept_Is406()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/assessments?period=2026-11");
        request.Headers.Accept.ParseAdd("image/png");
        await TicketClient.ExpectProblemAsync(await _hq.Http.SendAsync(request), HttpStatusCode.NotAcceptable);
    }

    [Test]
    public async Task Rules_DefaultsAreSeeded_AsVersionOne()
    {
        using var manager = _app.As(Keys.JsItManager);
        var rules = await manager.GetJsonAsync("/api/v1/assessment-rules");
        Assert.That(rules["version"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(1));
        Assert.That(rules["rules"]!.AsArray().Select(r => r!["indicator"]!.GetValue<string>()), Does.Contain("resolutionSlaBreachesPer100").And.Contain("accessReviewsOverdue"));
    }

    [TestCase("""[{"indicator":"ticketsRaised","pointsPerUnit":1,"cap":5}]""", "rules[0].indicator")]
    [TestCase("""[{"indicator":"missedInspections","pointsPerUnit":-1,"cap":5}]""", "rules[0].pointsPerUnit")]
    [TestCase("""[{"indicator":"missedInspections","pointsPerUnit":1,"cap":0}]""", "rules[0].cap")]
    [TestCase("""[{"indicator":"missedInspections","pointsPerUnit":1,"cap":5},{"indicator":"missedInspections","pointsPerUnit":2,"cap":5}]""", "rules[1].indicator")]
    [TestCase("""[null]""", "rules[0]")]
    [TestCase("""[{"pointsPerUnit":1,"cap":5}]""", "rules[0].indicator")]
    [TestCase("""[{"indicator":"missedInspections","cap":20}]""", "rules[0].pointsPerUnit")]
    [TestCase("""[{"indicator":"missedInspections","pointsPerUnit":1}]""", "rules[0].cap")]
    [TestCase("""[{"indicator":"missedInspections","pointsPerUnit":null,"cap":20}]""", "rules[0].pointsPerUnit")]
    public async Task PutRules_Invalid_Is400NamingTheField_AndChangesNothing(string rules, string field)
    {
        var before = (await _hq.GetJsonAsync("/api/v1/assessment-rules")).ToJsonString();
        var response = await _hq.Http.PutAsync("/api/v1/assessment-rules", new StringContent($$"""{"rules":{{rules}}}""", Encoding.UTF8, "application/json"));
        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]![field], Is.Not.Null, problem.ToJsonString());
        Assert.That((await _hq.GetJsonAsync("/api/v1/assessment-rules")).ToJsonString(), Is.EqualTo(before));
    }

    [Test]
    public async Task PutRulesAndClose_ByAProvincesManager_Are403()
    {
        using var manager = _app.As(Keys.JsItManager);
        await TicketClient.ExpectProblemAsync(await manager.Http.PutAsJsonAsync("/api/v1/assessment-rules",
            new { rules = new[] { new { indicator = "missedInspections", pointsPerUnit = 1, cap = 5 } } }), HttpStatusCode.Forbidden);
        await TicketClient.ExpectProblemAsync(await manager.Http.PostAsync("/api/v1/assessments/2026-11/close", null), HttpStatusCode.Forbidden);
    }
}
