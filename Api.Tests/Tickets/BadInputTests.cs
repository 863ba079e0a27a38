using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Tickets;

/// <summary>Each class of bad input gets a precise problem and changes nothing.</summary>
[TestFixture]
public sealed class BadInputTests : ApiFixture
{
    private const string Valid = """{"system":"ERP","category":"ApplicationProblem","title":"Posting fails","description":"d","impact":"Unit","urgency":"Low"}""";

    public static IEnumerable<TestCaseData> BadCreateBodies()
    {
        yield return new TestCaseData("""{"system":"ERP",""", HttpStatusCode.BadRequest, "malformed-json").SetName("create: truncated JSON");
        yield return new TestCaseData("not json", HttpStatusCode.BadRequest, "malformed-json").SetName("create: not JSON");
        yield return new TestCaseData(Valid.Replace("\"Unit\"", "42"), HttpStatusCode.BadRequest, "validation").SetName("create: number for an enum");
        yield return new TestCaseData(Valid.Replace("\"Unit\"", "\"Galaxy\""), HttpStatusCode.BadRequest, "validation").SetName("create: unknown enum value");
        yield return new TestCaseData(Valid.Replace("\"Posting fails\"", "17"), HttpStatusCode.BadRequest, "malformed-json").SetName("create: number for a string");
        yield return new TestCaseData(Valid.Replace("\"title\":\"Posting fails\",", ""), HttpStatusCode.BadRequest, "validation").SetName("create: missing title");
        yield return new TestCaseData(Valid.Replace("\"urgency\":\"Low\"", "\"urgency\":null"), HttpStatusCode.BadRequest, "validation").SetName("create: null urgency");
        yield return new TestCaseData(Valid.Replace("Posting fails", new string('x', 201)), HttpStatusCode.BadRequest, "validation").SetName("create: oversized title");
        yield return new TestCaseData(Valid.Replace("\"d\"", $"\"{new string('x', 8001)}\""), HttpStatusCode.BadRequest, "validation").SetName("create: oversized description");
        yield return new TestCaseData("[]", HttpStatusCode.BadRequest, "malformed-json").SetName("create: array body");
        yield return new TestCaseData(Valid.Replace("\"ERP\"", "\"NOSUCH\""), HttpStatusCode.UnprocessableEntity, "unprocessable").SetName("create: unknown system");
        yield return new TestCaseData(Valid.Replace("\"ERP\"", "\"ZJ-MKT\""), HttpStatusCode.UnprocessableEntity, "unprocessable").SetName("create: system of another province");
        yield return new TestCaseData(Valid.Replace("{", "{\"unit\":\"NOWHERE\","), HttpStatusCode.UnprocessableEntity, "unprocessable").SetName("create: unknown unit");
    }

    [TestCaseSource(nameof(BadCreateBodies))]
    public async Task Create_WithBadBody_IsAProblemAndCreatesNothing(string body, HttpStatusCode status, string type)
    {
        var before = await CountAsync();

        var problem = await TicketClient.ExpectProblemAsync(await _given.Requester.PostJsonTextAsync("/api/v1/tickets", body), status);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:" + type));
        Assert.That(problem["detail"]?.GetValue<string>(), Is.Not.Empty);
        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Create_NamesTheFieldThatIsWrong()
    {
        var problem = await TicketClient.ExpectProblemAsync(
            await _given.Requester.PostJsonTextAsync("/api/v1/tickets", Valid.Replace("\"Unit\"", "\"Galaxy\"")), HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!["impact"]![0]!.GetValue<string>(), Does.Contain("Enterprise, Unit, Individual"));

        var missing = await TicketClient.ExpectProblemAsync(
            await _given.Requester.PostJsonTextAsync("/api/v1/tickets", Valid.Replace("\"title\":\"Posting fails\",", "")), HttpStatusCode.BadRequest);
        Assert.That(missing["errors"]!["title"], Is.Not.Null);
    }

    public static IEnumerable<TestCaseData> BadActionBodies()
    {
        yield return new TestCaseData("triage", TicketStatus.New, """{"group":""", HttpStatusCode.BadRequest).SetName("triage: truncated JSON");
        yield return new TestCaseData("triage", TicketStatus.New, """{}""", HttpStatusCode.BadRequest).SetName("triage: no group");
        yield return new TestCaseData("triage", TicketStatus.New, """{"group":"NOPE"}""", HttpStatusCode.UnprocessableEntity).SetName("triage: unknown group");
        yield return new TestCaseData("triage", TicketStatus.New, """{"group":"JS-L2SYS","assignee":"nobody"}""", HttpStatusCode.UnprocessableEntity).SetName("triage: unknown assignee");
        yield return new TestCaseData("triage", TicketStatus.New, """{"group":"JS-L2SYS","assignee":"js-servicedesk"}""", HttpStatusCode.UnprocessableEntity).SetName("triage: assignee outside the group");
        yield return new TestCaseData("triage", TicketStatus.New, """{"group":"HQ-L3"}""", HttpStatusCode.UnprocessableEntity).SetName("triage: HQ line 3 without escalation");
        yield return new TestCaseData("triage", TicketStatus.New, """{"group":"JS-L2SYS","urgency":"Whenever"}""", HttpStatusCode.BadRequest).SetName("triage: unknown urgency");
        yield return new TestCaseData("hold", TicketStatus.InProgress, """{"reason":""}""", HttpStatusCode.BadRequest).SetName("hold: empty reason");
        yield return new TestCaseData("hold", TicketStatus.InProgress, $$"""{"reason":"{{new string('r', 2001)}}"}""", HttpStatusCode.BadRequest).SetName("hold: oversized reason");
        yield return new TestCaseData("resolve", TicketStatus.InProgress, """{"code":"Magic","resolution":"r"}""", HttpStatusCode.BadRequest).SetName("resolve: unknown code");
        yield return new TestCaseData("resolve", TicketStatus.InProgress, """{"resolution":"r"}""", HttpStatusCode.BadRequest).SetName("resolve: no code");
        yield return new TestCaseData("escalate", TicketStatus.InProgress, """{"reason":"r"}""", HttpStatusCode.BadRequest).SetName("escalate: nothing tried");
        yield return new TestCaseData("confirm", TicketStatus.Resolved, """{"satisfaction":6}""", HttpStatusCode.BadRequest).SetName("confirm: satisfaction 6");
        yield return new TestCaseData("confirm", TicketStatus.Resolved, """{"satisfaction":"five"}""", HttpStatusCode.BadRequest).SetName("confirm: satisfaction as text");
        yield return new TestCaseData("reassign", TicketStatus.InProgress, """{"group":"JS-L2BIZ"}""", HttpStatusCode.BadRequest).SetName("reassign: no reason");
        yield return new TestCaseData("reassign", TicketStatus.InProgress, """{"group":"ZJ-L2BIZ","reason":"r"}""", HttpStatusCode.UnprocessableEntity).SetName("reassign: group of another province");
    }

    [TestCaseSource(nameof(BadActionBodies))]
    public async Task Action_WithBadBody_IsAProblemAndChangesNothing(string action, TicketStatus status, string body, HttpStatusCode expected)
    {
        var ticket = await _given.TicketIn(status);
        var caller = action switch
        {
            "triage" => _given.ServiceDesk,
            "confirm" => _given.Requester,
            _ => _given.Engineer,
        };

        await TicketClient.ExpectProblemAsync(await caller.PostJsonTextAsync($"/api/v1/tickets/{ticket.Id}/{action}", body, $"\"{ticket.Version}\""), expected);

        var after = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That((after.Status, after.Version), Is.EqualTo((status, ticket.Version)));
    }

    [TestCase(null, HttpStatusCode.PreconditionRequired, "if-match-required")]
    [TestCase("1", HttpStatusCode.BadRequest, "malformed-if-match")]
    [TestCase("\"1", HttpStatusCode.BadRequest, "malformed-if-match")]
    [TestCase("*, \"1\"", HttpStatusCode.BadRequest, "malformed-if-match")]
    [TestCase("W/\"1\"", HttpStatusCode.PreconditionFailed, "stale-etag")]
    [TestCase("\"abc\"", HttpStatusCode.PreconditionFailed, "stale-etag")]
    [TestCase("\"2\", \"3\"", HttpStatusCode.PreconditionFailed, "stale-etag")]
    [TestCase("\"7\"", HttpStatusCode.PreconditionFailed, "stale-etag")]
    public async Task Action_WithBadIfMatch_IsAProblemAndChangesNothing(string? ifMatch, HttpStatusCode status, string type)
    {
        var ticket = await _given.Requester.CreateAsync();

        var response = await _given.ServiceDesk.PostJsonTextAsync($"/api/v1/tickets/{ticket.Id}/triage", """{"group":"JS-L2SYS"}""", ifMatch);

        var problem = await TicketClient.ExpectProblemAsync(response, status);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:" + type));
        Assert.That((await _given.ItManager.GetTicketAsync(ticket.Id)).Version, Is.EqualTo(1));
    }

    [TestCase("*")]
    [TestCase("\"1\"")]
    [TestCase("\"5\", \"1\"")]
    [TestCase("W/\"1\", \"1\"")]
    public async Task Action_WithAnIfMatchThatMatches_Applies(string ifMatch)
    {
        var ticket = await _given.Requester.CreateAsync();

        var response = await _given.ServiceDesk.PostJsonTextAsync($"/api/v1/tickets/{ticket.Id}/triage", """{"group":"JS-L2SYS"}""", ifMatch);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That((await _given.ItManager.GetTicketAsync(ticket.Id)).Version, Is.EqualTo(2));
    }

    [TestCase("/api/v1/tickets/999999")]
    [TestCase("/api/v1/tickets/999999/history")]
    [TestCase("/api/v1/tickets/999999/comments")]
    [TestCase("/api/v1/tickets/abc")]
    [TestCase("/api/v1/no-such-thing")]
    public async Task Get_UnknownResource_Is404Problem(string path) =>
        await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.GetAsync(path), HttpStatusCode.NotFound);

    [Test]
    public async Task Action_OnUnknownTicket_Is404Problem() =>
        await TicketClient.ExpectProblemAsync(await _given.ServiceDesk.PostJsonTextAsync("/api/v1/tickets/999999/triage", """{"group":"JS-L2SYS"}""", "\"1\""), HttpStatusCode.NotFound);

    [Test]
    public async Task Create_WithoutApiKey_Is401WithChallenge()
    {
        using var anonymous = _app.As(null);

        var response = await anonymous.PostJsonTextAsync("/api/v1/tickets", Valid);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("X-Api-Key"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("X-Api-Key"));
    }

    [Test]
    public async Task Get_WithAWrongApiKey_Is401()
    {
        using var wrong = _app.As("demo-js-requester-but-wrong");

        var problem = await TicketClient.ExpectProblemAsync(await wrong.Http.GetAsync("/api/v1/tickets"), HttpStatusCode.Unauthorized);

        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("not valid"));
    }

    [Test]
    public async Task Create_ByARoleThatMayNotRequest_Is403()
    {
        using var engineer = _app.As(Keys.JsEngineer);
        var before = await CountAsync();

        await TicketClient.ExpectProblemAsync(await engineer.PostJsonTextAsync("/api/v1/tickets", Valid), HttpStatusCode.Forbidden);

        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Create_WithTheWrongContentType_Is415Problem()
    {
        var response = await _given.Requester.Http.PostAsync("/api/v1/tickets", new StringContent(Valid, System.Text.Encoding.UTF8, "text/plain"));

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task Comment_WithAnUnknownVisibility_Is400()
    {
        var ticket = await _given.Requester.CreateAsync();

        var response = await _given.Requester.PostJsonTextAsync($"/api/v1/tickets/{ticket.Id}/comments", """{"body":"hi","visibility":"Secret"}""");

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That((await _given.Requester.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/comments"))["items"]!.AsArray(), Is.Empty);
    }

    private async Task<int> CountAsync() =>
        (await _given.ItManager.GetJsonAsync("/api/v1/tickets?limit=200"))["items"]!.AsArray().Count;
}
