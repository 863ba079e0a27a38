using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Tickets;

/// <summary>The classes of hostile input a fuzz run found: each is a 4xx problem+json, never a 500.</summary>
[TestFixture]
public sealed class BadInputClassesTests : ApiFixture
{
    private const string ValidTicket = """{"system":"ERP","category":"ApplicationProblem","title":"Posting fails","description":"d","impact":"Unit","urgency":"Low"}""";

    /// <summary>Every operation that reads a JSON body, with its route values filled in.</summary>
    private IEnumerable<(string Method, string Path)> JsonBodyEndpoints() =>
        _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Contains("application/json") == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, Fill(e.RoutePattern.RawText!))));

    private static string Fill(string pattern) => "/" + System.Text.RegularExpressions.Regex.Replace(pattern.TrimStart('/'), @"\{(\w+)(:[^}]*)?\}",
        m => m.Groups[2].Value.Contains("long") ? "1" : m.Groups[1].Value == "code" ? "CN-BUSINESS" : "x");

    [TestCase("application/json; charset=\"utf-8\"")]
    [TestCase("application/json; charset=UTF-8")]
    [TestCase("application/json;charset=utf-8")]
    public async Task EveryJsonBodyEndpoint_WithAUtf8CharsetInAnySpelling_ReadsTheBody(string contentType)
    {
        using var hq = _app.As(Keys.HqItManager);
        var endpoints = JsonBodyEndpoints().ToList();
        Assert.That(endpoints, Has.Count.GreaterThan(20));

        foreach (var (method, path) in endpoints)
        {
            var response = await SendAsync(hq, method, path, "{}", contentType);
            Assert.That((int)response.StatusCode, Is.LessThan(500).And.Not.EqualTo(415), $"{method} {path}: {await response.Content.ReadAsStringAsync()}");
            if ((int)response.StatusCode >= 400)
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), $"{method} {path}");
        }
    }

    [Test]
    public async Task Create_WithAQuotedUtf8Charset_CreatesTheTicket()
    {
        var response = await SendAsync(_given.Requester, "POST", "/api/v1/tickets", ValidTicket, "application/json; charset=\"utf-8\"");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [TestCase("application/json; charset=latin1")]
    [TestCase("application/json; charset=\"no-such-charset\"")]
    [TestCase("application/json; charset=utf-16")]
    public async Task EveryJsonBodyEndpoint_WithAnotherCharset_Is415Problem(string contentType)
    {
        using var hq = _app.As(Keys.HqItManager);
        // HQ's callbacks and the logins an application reports are for integration keys alone; their policies refuse every
        // other caller before the body is read.
        using var hqSystem = _app.As(Keys.HqIntegration);

        foreach (var (method, path) in JsonBodyEndpoints())
            await TicketClient.ExpectProblemAsync(await SendAsync(path.Contains("/hq/events") || path.Contains(":last-used") ? hqSystem : hq, method, path, "{}", contentType),
                HttpStatusCode.UnsupportedMediaType);
    }

    [TestCase("PUT", "/api/v1/priority-matrix", """{"cells":[null]}""", "cells[0]")]
    [TestCase("PUT", "/api/v1/sla/policies", """{"rules":[null,null,null,null],"pauseIn":["OnHold"]}""", "rules[0]")]
    [TestCase("PUT", "/api/v1/sla/policies", """{"rules":[{"priority":"P1","responseMinutes":1,"resolutionMinutes":2,"calendar":"24x7"},null,null,null],"pauseIn":[null]}""", "")]
    [TestCase("PUT", "/api/v1/calendars/NULLS", """{"name":"n","timeZone":"Asia/Shanghai","week":{"monday":[null]}}""", "week.monday[0]")]
    [TestCase("PUT", "/api/v1/calendars/NULLS", """{"name":"n","timeZone":"Asia/Shanghai","week":{"monday":null}}""", "week.monday")]
    [TestCase("PUT", "/api/v1/calendars/NULLS", """{"name":"n","timeZone":"Asia/Shanghai","week":{"monday":[{"start":"08:00","end":"12:00"}]},"holidays":[null]}""", "")]
    [TestCase("POST", "/api/v1/admin/users", """{"id":"someone","name":"n","unit":"JS","roles":["Requester"],"groups":[null]}""", "groups[0]")]
    [TestCase("POST", "/api/v1/webhooks", """{"url":"http://localhost/hook","events":[null]}""", "events[0]")]
    public async Task Put_WithNullInsideAList_IsAValidationProblem(string method, string path, string body, string field)
    {
        using var hq = _app.As(Keys.HqItManager);

        var problem = await TicketClient.ExpectProblemAsync(await SendAsync(hq, method, path, body, "application/json"), HttpStatusCode.BadRequest);

        if (field.Length > 0) Assert.That(problem["errors"]![field], Is.Not.Null, problem.ToJsonString());
    }

    [TestCase("9999-12-31T23:00:00Z")]
    [TestCase("0001-01-01T00:00:00Z")]
    [TestCase("1900-01-01T00:00:00+08:00")]
    public async Task Preview_FromAnInstantOutsideTheSupportedYears_IsAValidationProblem(string start)
    {
        var problem = await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.PostAsJsonAsync("/api/v1/sla/preview",
            new { calendar = "CN-BUSINESS", start, minutes = 60 }), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]!["start"], Is.Not.Null);
    }

    [TestCase("Asia")]
    [TestCase("posixrules")]
    [TestCase("right/Asia/Shanghai")]
    [TestCase("../../etc/passwd")]
    [TestCase("Asia/")]
    public async Task PutCalendar_WithATimeZoneThatIsNotAnIanaZone_IsAValidationProblem(string zone)
    {
        using var hq = _app.As(Keys.HqItManager);

        var problem = await TicketClient.ExpectProblemAsync(await hq.Http.PutAsJsonAsync("/api/v1/calendars/ZONES",
            new { name = "n", timeZone = zone, week = new { monday = new[] { new { start = "08:00", end = "12:00" } } } }), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]!["timeZone"], Is.Not.Null);
    }

    [TestCase("title", "Posting\u0007 fails")]
    [TestCase("title", "Posting\nfails")]
    [TestCase("title", "Posting \u202Eslaf")]
    [TestCase("title", "Posting \u2066fails\u2069")]
    [TestCase("description", "line\u0000one")]
    [TestCase("description", "see \u202Ethis")]
    [TestCase("system", "ERP\u001B")]
    public async Task Create_WithControlOrBidiCharacters_IsAValidationProblemNamingTheField(string field, string value)
    {
        var body = JsonNode.Parse(ValidTicket)!;
        body[field] = value;

        var problem = await TicketClient.ExpectProblemAsync(
            await _given.Requester.PostJsonTextAsync("/api/v1/tickets", body.ToJsonString()), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]![field], Is.Not.Null, problem.ToJsonString());
    }

    [Test]
    public async Task Create_WithTabsAndLineBreaksInTheDescription_CreatesTheTicket()
    {
        var body = JsonNode.Parse(ValidTicket)!;
        body["description"] = "Steps:\r\n\t1. post\n\t2. fail";

        var response = await _given.Requester.PostJsonTextAsync("/api/v1/tickets", body.ToJsonString());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [TestCase("/api/v1/admin/units", """{"id":"JS-BIDI","name":"Nanjing \u202E","parent":"JS"}""", "name")]
    [TestCase("/api/v1/tickets/1/comments", """{"body":"hi\u0008"}""", "body")]
    public async Task Post_WithControlOrBidiCharactersInANameOrText_IsAValidationProblemNamingTheField(string path, string body, string field)
    {
        await _given.Requester.CreateAsync();

        var problem = await TicketClient.ExpectProblemAsync(await _given.ItManager.PostJsonTextAsync(path, body), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]![field], Is.Not.Null, problem.ToJsonString());
    }

    [Test]
    public async Task PutCalendar_WithABidiOverrideInTheName_IsAValidationProblem()
    {
        using var hq = _app.As(Keys.HqItManager);

        var problem = await TicketClient.ExpectProblemAsync(await hq.Http.PutAsJsonAsync("/api/v1/calendars/BIDI",
            new { name = "Shanghai \u202E", timeZone = "Asia/Shanghai", week = new { monday = new[] { new { start = "08:00", end = "12:00" } } } }),
            HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]!["name"], Is.Not.Null);
    }

    [Test]
    public async Task WebhookUpdateAndRotation_RacingItsDelete_AreNever500()
    {
        var statuses = new List<HttpStatusCode>();
        for (var round = 0; round < 15; round++)
        {
            var created = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://localhost:9/hook" });
            await TicketClient.ExpectAsync(created, HttpStatusCode.Created);
            var id = (await created.Content.ReadFromJsonAsync<JsonNode>())!["webhook"]!["id"]!.GetValue<string>();

            var responses = await Task.WhenAll(
                _given.ItManager.Http.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "http://localhost:9/other" }),
                _given.ItManager.Http.PostAsync($"/api/v1/webhooks/{id}/rotate-secret", null),
                _given.ItManager.Http.DeleteAsync($"/api/v1/webhooks/{id}"),
                _given.ItManager.Http.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "http://localhost:9/third" }),
                _given.ItManager.Http.PostAsync($"/api/v1/webhooks/{id}/rotate-secret", null));
            statuses.AddRange(responses.Select(r => r.StatusCode));
        }

        Assert.That(statuses, Is.All.AnyOf(HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.Conflict));
    }

    [Test]
    public async Task UnsupportedMethod_Is405Problem() =>
        await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.DeleteAsync("/api/v1/tickets"), HttpStatusCode.MethodNotAllowed);

    [TestCase("/no-such-page")]
    [TestCase("/api/v2/tickets")]
    public async Task UnknownRoute_Is404Problem(string path) =>
        await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.GetAsync(path), HttpStatusCode.NotFound);

    [TestCase("GET", "/api/v1/no-such-thing", HttpStatusCode.NotFound)]
    [TestCase("DELETE", "/api/v1/tickets", HttpStatusCode.MethodNotAllowed)]
    [TestCase("GET", "/api/v1/tickets/999999", HttpStatusCode.NotFound)]
    [TestCase("POST", "/api/v1/tickets", HttpStatusCode.BadRequest)]
    public async Task Problem_ForACallerThatAcceptsOnlyHtml_IsStillProblemJson(string method, string path, HttpStatusCode status)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = new StringContent("{", Encoding.UTF8, "application/json");
        request.Headers.Accept.Clear();
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        request.Headers.TryAddWithoutValidation("X-Api-Key", Keys.JsItManager);
        using var http = _app.CreateClient();

        await TicketClient.ExpectProblemAsync(await http.SendAsync(request), status);
    }

    private static Task<HttpResponseMessage> SendAsync(TicketClient client, string method, string path, string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = content });
    }
}
