using System.Net;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Reports;

/// <summary>
/// The report and assessment URLs attacked with what a careless client or a fuzzer sends: every answer is a success or a
/// 4xx problem+json that names what is wrong, never a 500.
/// </summary>
[TestFixture]
public sealed class ReportInputFuzzTests
{
    private ItsmApp _app = null!;
    private TicketClient _manager = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _app = new ItsmApp();
        _manager = _app.As(Keys.JsItManager);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _manager.Dispose();
        _app.Dispose();
    }

    private async Task<(HttpStatusCode Status, string? Type, string Body)> SendAsync(string path, string? accept = null, string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.Clear();
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        if (language is not null) request.Headers.TryAddWithoutValidation("Accept-Language", language);
        var response = await _manager.Http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private const string Work = "/api/v1/reports/work?unit=JS&";

    [TestCase("from=2026-11-01&to=2026-11-01", "from")]
    [TestCase("from=2026-12-01&to=2026-11-01", "from")]
    [TestCase("from=2025-01-01&to=2026-12-01", "to")]
    [TestCase("from=2026-11-31&to=2026-12-01", "from")]
    [TestCase("from=2026-13-01&to=2026-12-01", "from")]
    [TestCase("from=20261101&to=2026-12-01", "from")]
    [TestCase("from=2026-11-01T00:00&to=2026-12-01", "from")]
    [TestCase("from=&to=2026-12-01", "from")]
    [TestCase("to=2026-12-01", "from")]
    [TestCase("from=2026-11-01", "to")]
    [TestCase("from=0001-01-01&to=0001-02-01", "from")]
    [TestCase("from=0001-01-02&to=0001-01-03", "from")]
    [TestCase("from=9999-12-01&to=9999-12-31", "from")]
    [TestCase("from=2999-12-01&to=3000-01-01", "to")]
    [TestCase("from=-2026-11-01&to=2026-12-01", "from")]
    [TestCase("from=2026-11-01&to=2026-12-01&from=2026-10-01", "from")]
    [TestCase("from=2026-11-01&to=2026-12-01&to=2026-12-02", "to")]
    [TestCase("from=2026-11-01&to=2026-12-01&includeSubunits=maybe", "includeSubunits")]
    [TestCase("from=2026-11-01&to=2026-12-01&includeSubunits=true&includeSubunits=false", "includeSubunits")]
    public async Task WorkReport_BadDates_Answer400NamingTheParameter(string query, string parameter)
    {
        var (status, type, body) = await SendAsync(Work + query);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(type, Is.EqualTo("application/problem+json"));
        Assert.That(body, Does.Contain(parameter));
    }

    [TestCase("unit=ZJ&from=2026-11-01&to=2026-12-01")]
    [TestCase("unit=HQ&from=2026-11-01&to=2026-12-01")]
    [TestCase("unit=NOPE&from=2026-11-01&to=2026-12-01")]
    [TestCase("unit=JS&system=NOPE&from=2026-11-01&to=2026-12-01")]
    [TestCase("unit=%00&from=2026-11-01&to=2026-12-01")]
    public async Task WorkReport_UnitOrSystemOutOfScope_Answers4xxProblem(string query)
    {
        var (status, type, body) = await SendAsync("/api/v1/reports/work?" + query);

        Assert.That((int)status, Is.InRange(400, 404), body);
        Assert.That(type, Is.EqualTo("application/problem+json"));
    }

    [TestCase("text/html; charset=utf-8", "text/html")]
    [TestCase("text/html; charset=\"UTF-8\"", "text/html")]
    [TestCase("text/csv; charset=utf-8; q=0.8, text/html; q=0.5", "text/csv")]
    [TestCase("text/csv;q=0.9, application/json;q=0.1", "text/csv")]
    [TestCase("*/*", "application/json")]
    [TestCase("*/*;q=0.1, text/html", "text/html")]
    [TestCase("text/*", "text/csv")]
    [TestCase("application/*", "application/json")]
    [TestCase("application/json;q=abc", "application/json")]
    [TestCase("", "application/json")]
    public async Task WorkReport_AcceptVariants_AnswerTheRepresentationAsked(string accept, string expected)
    {
        var (status, type, body) = await SendAsync(Work + "from=2026-11-01&to=2026-12-01", accept);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(type, Is.EqualTo(expected));
    }

    [TestCase("application/xml", null, null)]
    [TestCase("text/html; charset=iso-8859-1", null, null)]
    [TestCase("text/html;q=0", null, null)]
    [TestCase("image/png, text/plain", null, null)]
    [TestCase("text/html", "fr", "lang=fr")]
    [TestCase("text/html", null, "lang=")]
    public async Task WorkReport_UnsupportedRepresentation_Answers406WithTheSupportedList(string accept, string? language, string? lang)
    {
        var (status, type, body) = await SendAsync(Work + "from=2026-11-01&to=2026-12-01" + (lang is null ? "" : "&" + lang), accept, language);

        Assert.That(status, Is.EqualTo(HttpStatusCode.NotAcceptable), body);
        Assert.That(type, Is.EqualTo("application/problem+json"));
        Assert.That(body, Does.Contain("supported"));
    }

    [TestCase("fr-FR")]
    [TestCase("zh;q=abc")]
    [TestCase("*")]
    [TestCase(";;;")]
    public async Task WorkReport_UnknownAcceptLanguage_FallsBackToALanguageOffered(string language)
    {
        var (status, type, body) = await SendAsync(Work + "from=2026-11-01&to=2026-12-01", "text/html", language);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(type, Is.EqualTo("text/html"));
    }

    [TestCase("period=2026-13", "period")]
    [TestCase("period=2026-00", "period")]
    [TestCase("period=2026-1", "period")]
    [TestCase("period=0000-01", "period")]
    [TestCase("period=1999-12", "period")]
    [TestCase("period=9999-12", "period")]
    [TestCase("period=2026-11-01", "period")]
    [TestCase("period=", "period")]
    [TestCase("", "period")]
    [TestCase("period=2026-11&period=2026-10", "period")]
    public async Task Assessments_BadPeriod_Answers400NamingIt(string query, string parameter)
    {
        var (status, type, body) = await SendAsync("/api/v1/assessments?" + query);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(type, Is.EqualTo("application/problem+json"));
        Assert.That(body, Does.Contain(parameter));
    }

    [TestCase("/api/v1/reports/work?unit=JS&unit=ZJ&from=2026-11-01&to=2026-12-01", "unit")]
    [TestCase("/api/v1/reports/work?unit=JS&from=2026-11-01&to=2026-12-01&system=ERP&system=HR", "system")]
    [TestCase("/api/v1/reports/work?unit=JS&from=2026-11-01&to=2026-12-01&lang=en&lang=zh-CN", "lang")]
    [TestCase("/api/v1/assessments?period=2026-11&unit=JS&unit=ZJ", "unit")]
    [TestCase("/api/v1/assessments?period=2026-11&lang=en&lang=en", "lang")]
    public async Task ReportUrls_ParameterGivenTwice_Answer400NamingIt(string path, string parameter)
    {
        var (status, type, body) = await SendAsync(path);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(type, Is.EqualTo("application/problem+json"));
        Assert.That(body, Does.Contain($"\"{parameter}\""));
    }

    [Test]
    public async Task WorkReport_EmptySystem_IsTheSameAsNoSystem()
    {
        var (status, _, body) = await SendAsync(Work + "from=2026-11-01&to=2026-12-01&system=");
        var (_, _, without) = await SendAsync(Work + "from=2026-11-01&to=2026-12-01");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(System.Text.Json.Nodes.JsonNode.Parse(body)!["system"], Is.Null);
        Assert.That(System.Text.Json.Nodes.JsonNode.Parse(body)!["volumes"]!.ToJsonString(), Is.EqualTo(System.Text.Json.Nodes.JsonNode.Parse(without)!["volumes"]!.ToJsonString()));
    }

    [TestCase(Keys.ZjItManager, "ZJ", "JS-MKT", HttpStatusCode.NotFound)]
    [TestCase(Keys.ZjItManager, "ZJ", "NOPE", HttpStatusCode.NotFound)]
    [TestCase(Keys.ZjItManager, "ZJ", "ZJ-MKT", HttpStatusCode.OK)]
    [TestCase(Keys.JsItManager, "JS", "ERP", HttpStatusCode.OK)]
    [TestCase(Keys.HqItManager, "HQ", "JS-MKT", HttpStatusCode.OK)]
    public async Task WorkReport_SystemOfAnotherUnitsScope_Answers404LikeAnUnknownOne(string key, string unit, string system, HttpStatusCode expected)
    {
        using var caller = _app.As(key);
        var response = await caller.Http.GetAsync($"/api/v1/reports/work?unit={unit}&from=2026-11-01&to=2026-12-01&system={system}");

        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
    }

    [TestCase("period=2026-11&unit=ZJ", HttpStatusCode.NotFound)]
    [TestCase("period=2026-11&unit=NOPE", HttpStatusCode.NotFound)]
    public async Task Assessments_UnitOutOfScope_AnswersProblem(string query, HttpStatusCode expected)
    {
        var (status, type, body) = await SendAsync("/api/v1/assessments?" + query);

        Assert.That(status, Is.EqualTo(expected), body);
        Assert.That(type, Is.EqualTo("application/problem+json"));
    }

    [TestCase("text/html; charset=utf-8", HttpStatusCode.OK)]
    [TestCase("*/*", HttpStatusCode.OK)]
    [TestCase("application/xml", HttpStatusCode.NotAcceptable)]
    public async Task Assessments_AcceptVariants_NegotiateOrRefuse(string accept, HttpStatusCode expected)
    {
        var (status, _, body) = await SendAsync("/api/v1/assessments?period=2026-11", accept);

        Assert.That(status, Is.EqualTo(expected), body);
    }
}
