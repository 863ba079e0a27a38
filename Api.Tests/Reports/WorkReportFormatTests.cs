using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Csv;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Reports;

/// <summary>The work report's CSV and HTML representations carry the same numbers as its JSON.</summary>
[TestFixture]
public sealed class WorkReportFormatTests
{
    private ItsmApp _app = null!;
    private TicketClient _manager = null!;
    private JsonNode _json = null!;

    [OneTimeSetUp]
    public async Task BuildHistory()
    {
        _app = new ItsmApp();
        await ReportHistory.BuildAsync(_app);
        _manager = _app.As(Keys.JsItManager);
        _json = await _manager.GetJsonAsync("/api/v1/reports/work?" + ReportHistory.Period);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _manager.Dispose();
        _app.Dispose();
    }

    private async Task<HttpResponseMessage> GetAsync(string accept, string query = "", string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/work?" + ReportHistory.Period + query);
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd(accept);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return await _manager.Http.SendAsync(request);
    }

    [Test]
    public async Task Csv_HasOneRowPerNumber_ThatParsesBackToTheJsonsNumbers()
    {
        var response = await GetAsync("text/csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var records = new List<CsvRecord>();
        await foreach (var record in CsvDocument.ReadAsync(new StringReader(Encoding.UTF8.GetString(bytes)))) records.Add(record);

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "UTF-8 with a byte order mark");
        Assert.That(records[0].Fields, Is.EqualTo(new[] { "period", "figure", "value", "definition" }));
        var rows = records.Skip(1).ToList();
        foreach (var row in rows)
        {
            var node = Find(row.Fields[0] == "previous" ? _json["previous"]! : _json, row.Fields[1]);
            var expected = node is null ? "" : node.GetValue<double>().ToString(CultureInfo.InvariantCulture);
            var actual = row.Fields[2] == "" ? "" : double.Parse(row.Fields[2], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            Assert.That(actual, Is.EqualTo(expected), $"{row.Fields[0]} {row.Fields[1]}");
        }
        Assert.That(rows.Count(r => r.Fields[0] == "current"), Is.EqualTo(CountNumbers(_json, top: true)));
        Assert.That(rows.Single(r => r.Fields[0] == "current" && r.Fields[1] == "timeToResolve.p90BusinessMinutes").Fields[2], Is.EqualTo("570"));
        Assert.That(rows.Single(r => r.Fields[0] == "current" && r.Fields[1] == "volumes.raised.byCategory.ApplicationProblem").Fields[2], Is.EqualTo("3"));
        Assert.That(rows.Single(r => r.Fields[0] == "current" && r.Fields[1] == "slaByPriority.P1.responseMet").Fields[2], Is.EqualTo("0"));
        Assert.That(rows.Single(r => r.Fields[1] == "reopenRate" && r.Fields[0] == "current").Fields[3], Does.Contain("Reopens"));
    }

    /// <summary>The node a dotted CSV path names: object members by name, array items by their first text value.</summary>
    private static JsonNode? Find(JsonNode root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
            node = node switch
            {
                JsonObject o => o[part],
                JsonArray a => a.First(i => i!.AsObject().First(p => p.Value?.GetValueKind() == System.Text.Json.JsonValueKind.String).Value!.GetValue<string>() == part),
                _ => throw new AssertionException($"{path}: no {part}"),
            };
        return node;
    }

    private static readonly HashSet<string> Header = ["unit", "unitName", "includeSubunits", "system", "from", "to", "timeZone", "generatedAt", "definitions", "previous"];

    private static int CountNumbers(JsonNode? node, bool top = false) => node switch
    {
        JsonObject o => o.Where(p => !top || !Header.Contains(p.Key)).Sum(p => p.Value is null ? 1 : CountNumbers(p.Value)),
        JsonArray a => a.Sum(i => i!.AsObject().Skip(0).Count(p => p.Value is null || p.Value.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                                  + i.AsObject().Where(p => p.Value is JsonObject or JsonArray).Sum(p => CountNumbers(p.Value))),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => 1,
        _ => 0,
    };
}

/// <summary>The HTML page, rendered in headless Chromium.</summary>
[TestFixture]
public sealed class WorkReportPageTests
{
    private ItsmApp _app = null!;
    private TicketClient _manager = null!;
    private JsonNode _json = null!;

    [OneTimeSetUp]
    public async Task BuildHistory()
    {
        _app = new ItsmApp();
        await ReportHistory.BuildAsync(_app);
        _manager = _app.As(Keys.JsItManager);
        _json = await _manager.GetJsonAsync("/api/v1/reports/work?" + ReportHistory.Period);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _manager.Dispose();
        _app.Dispose();
    }

    private async Task<string> PageAsync(string query, string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/work?" + ReportHistory.Period + query);
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("text/html");
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await _manager.Http.SendAsync(request);
        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        return await response.Content.ReadAsStringAsync();
    }

    [Test]
    public async Task Page_TitleAndGeneratedAt_ShowTheLastDayAndTheUnitsOffset()
    {
        var page = await PageAsync("&lang=en");

        // The period is half-open: its last day is the 9th, in the title as in the body.
        Assert.That(page, Does.Match("<title>[^<]* · 2026-12-02 – 2026-12-09</title>"));
        Assert.That(page, Does.Match(@"<th>Generated at</th><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC\+08:00</td>"));
    }

    [Test]
    public async Task Page_IsSelfContained_InTheLanguageAsked()
    {
        var zh = await PageAsync("", "zh-CN,zh;q=0.9");
        var en = await PageAsync("&lang=en", "zh-CN");
        var chosen = await PageAsync("&lang=zh-CN");

        foreach (var page in new[] { zh, en })
        {
            Assert.That(page, Does.Not.Contain("<script").IgnoreCase);
            Assert.That(page, Does.Not.Match("(src|href)=\"https?:"), "no external asset");
            Assert.That(page, Does.Contain("@page { size: A4"));
        }
        Assert.That(zh, Does.Contain("<html lang=\"zh-CN\">").And.Contain("业务运维工作报告").And.Contain("一线解决率"));
        Assert.That(en, Does.Contain("<html lang=\"en\">").And.Contain("Business O&amp;M work report").And.Not.Contain("业务运维工作报告"));
        Assert.That(chosen, Does.Contain("业务运维工作报告"));
    }

    [Test]
    public async Task Page_RenderedInChromium_ShowsTheChartsAndTheJsonsNumbers()
    {
        var html = await PageAsync("&lang=zh-CN");
        await using var browser = await Browser.LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await page.SetContentAsync(html);

        var charts = await page.EvaluateExpressionAsync<int>("document.querySelectorAll('section.chart svg').length");
        var bars = await page.EvaluateExpressionAsync<int>("document.querySelectorAll('svg rect.bar').length");
        var lines = await page.EvaluateExpressionAsync<int>("document.querySelectorAll('svg polyline').length");
        var shown = await page.EvaluateExpressionAsync<string[][]>(
            "[...document.querySelectorAll('td[data-figure]')].map(e => [e.dataset.figure, e.innerText.trim()])");
        var title = await page.EvaluateExpressionAsync<string>("document.querySelector('h1').innerText");
        var titleWidth = await page.EvaluateExpressionAsync<double>("document.querySelector('h1').getBoundingClientRect().width");
        var definitions = await page.EvaluateExpressionAsync<string>("document.querySelector('section.definitions').innerText");

        Assert.That(charts, Is.EqualTo(4), "categories, daily, SLA by priority, inspections by system");
        Assert.That(bars, Is.EqualTo(3 + 8 + 1), "3 categories, 4 priorities × 2 clocks, 1 system inspected");
        Assert.That(lines, Is.EqualTo(2));
        Assert.That(title, Is.EqualTo("业务运维工作报告"));
        Assert.That(titleWidth, Is.GreaterThan(100));
        Assert.That(shown, Has.Length.EqualTo(56));
        foreach (var pair in shown)
        {
            var (figure, text) = (pair[0], pair[1]);
            var node = figure.StartsWith("previous.", StringComparison.Ordinal) ? Find(_json["previous"]!, figure["previous.".Length..]) : Find(_json, figure);
            var expected = node is null ? "–" : Show(node.GetValue<double>(), IsRate(figure));
            Assert.That(text, Is.EqualTo(expected), figure);
        }
        Assert.That(shown.Single(p => p[0] == "timeToResolve.p90BusinessMinutes")[1], Is.EqualTo("570"));
        Assert.That(shown.Single(p => p[0] == "responseSlaCompliance")[1], Is.EqualTo("75%"));

        // Every definition is in Chinese: none of the JSON's English sentences (nor an English word of three letters or more,
        // apart from the configuration key a definition names) is on the Chinese page.
        foreach (var (figure, sentence) in _json["definitions"]!.AsObject())
            Assert.That(definitions, Does.Not.Contain(sentence!.GetValue<string>()), figure);
        Assert.That(System.Text.RegularExpressions.Regex.Matches(definitions.Replace("Accounts:DormantAfterDays", ""), "[A-Za-z]{3,}").Select(m => m.Value),
            Is.Empty, definitions);
        Assert.That(definitions, Does.Contain("统计期间内创建的工单数。"));
    }

    private static bool IsRate(string figure) => figure.EndsWith("Rate", StringComparison.Ordinal) || figure.EndsWith("Compliance", StringComparison.Ordinal);

    private static string Show(double value, bool rate) =>
        rate ? (value * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : value.ToString("0.##", CultureInfo.InvariantCulture);

    private static JsonNode? Find(JsonNode root, string path) => path.Split('.').Aggregate<string, JsonNode?>(root, (node, part) => node?[part]);
}
