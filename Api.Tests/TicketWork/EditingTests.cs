using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.TicketWork;

/// <summary>PATCH /tickets/{id}: who corrects which fields when, priority and clocks derived again, history with old and new values.</summary>
[TestFixture]
public sealed class EditingTests : TicketWorkFixture
{
    private static Task<HttpResponseMessage> PatchAsync(TicketClient caller, long id, string json, string? ifMatch, string contentType = "application/merge-patch+json")
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{id}") { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return caller.Http.SendAsync(request);
    }

    private static async Task<TicketResponse> PatchOkAsync(TicketClient caller, long id, string json, string ifMatch)
    {
        var response = await PatchAsync(caller, id, json, ifMatch);
        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<TicketResponse>(TicketClient.Json))!;
    }

    [Test]
    public async Task Patch_ImpactAndUrgencyByServiceDesk_RePrioritisesAndReTargetsTheClocks()
    {
        var ticket = await _given.Requester.CreateAsync();
        Assert.That(ticket.Priority, Is.EqualTo(Priority.P3));

        var edited = await PatchOkAsync(_given.ServiceDesk, ticket.Id, """{"impact":"Enterprise","urgency":"High"}""", "\"1\"");

        Assert.That(edited.Priority, Is.EqualTo(Priority.P1));
        Assert.That(edited.Version, Is.EqualTo(2));
        // P1 runs on the 24x7 calendar: 30 minutes to respond, 240 to resolve, from the request (nothing used yet).
        Assert.That(edited.ResponseDue, Is.EqualTo(ticket.CreatedAt.AddMinutes(30)));
        Assert.That(edited.ResolutionDue, Is.EqualTo(ticket.CreatedAt.AddMinutes(240)));
        var sla = await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/sla");
        Assert.That(sla["clocks"]!.AsArray().Select(c => (c!["kind"]!.GetValue<string>(), c["targetMinutes"]!.GetValue<int>(), c["calendar"]!.GetValue<string>())),
            Is.EqualTo(new[] { ("Response", 30, "24x7"), ("Resolution", 240, "24x7") }));
        var entry = (await HistoryAsync(ticket.Id)).Last()!;
        Assert.That(entry["action"]!.GetValue<string>(), Is.EqualTo("edit"));
        var changes = entry["details"]!["changes"]!;
        Assert.That((changes["impact"]!["old"]!.GetValue<string>(), changes["impact"]!["new"]!.GetValue<string>()), Is.EqualTo(("Individual", "Enterprise")));
        Assert.That((changes["priority"]!["old"]!.GetValue<string>(), changes["priority"]!["new"]!.GetValue<string>()), Is.EqualTo(("P3", "P1")));
    }

    [Test]
    public async Task Patch_ByRequesterWhileNew_CorrectsTheTextWithOldAndNewInTheHistory()
    {
        var ticket = await _given.Requester.CreateAsync();

        var edited = await PatchOkAsync(_given.Requester, ticket.Id, """{"title":"ERP posting fails for invoice 4711","description":"Since 9:00."}""", "\"1\"");

        Assert.That((edited.Title, edited.Description, edited.Priority), Is.EqualTo(("ERP posting fails for invoice 4711", "Since 9:00.", ticket.Priority)));
        var changes = (await HistoryAsync(ticket.Id)).Last()!["details"]!["changes"]!.AsObject();
        Assert.That(changes.Select(c => c.Key), Is.EquivalentTo(new[] { "title", "description" }));
        Assert.That(changes["title"]!["old"]!.GetValue<string>(), Is.EqualTo("ERP posting fails"));
    }

    [Test]
    public async Task Patch_ByRequesterAfterTriage_IsForbiddenAndChangesNothing()
    {
        var ticket = await _given.TicketIn(TicketStatus.Triaged);
        var etag = await ETagOf(ticket.Id);

        var problem = await TicketClient.ExpectProblemAsync(await PatchAsync(_given.Requester, ticket.Id, """{"title":"Another title"}""", etag), HttpStatusCode.Forbidden);

        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("ServiceDesk"));
        Assert.That(await ETagOf(ticket.Id), Is.EqualTo(etag));
    }

    [Test]
    public async Task Patch_ByRequesterOfTheClassification_Is400NamingTheFields()
    {
        var ticket = await _given.Requester.CreateAsync();

        var problem = await TicketClient.ExpectProblemAsync(
            await PatchAsync(_given.Requester, ticket.Id, """{"title":"ERP down","urgency":"High","system":"HR"}""", "\"1\""), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { "urgency", "system" }));
        Assert.That(await ETagOf(ticket.Id), Is.EqualTo("\"1\""));
    }

    [TestCase("""{"status":"Closed","priority":"P1"}""", "status,priority", HttpStatusCode.BadRequest, TestName = "Patch_ReadOnlyFields_Are400NamingThem")]
    [TestCase("""{"colour":"red"}""", "colour", HttpStatusCode.BadRequest, TestName = "Patch_UnknownField_Is400NamingIt")]
    [TestCase("""{"title":null}""", "title", HttpStatusCode.BadRequest, TestName = "Patch_NullValue_Is400NamingIt")]
    [TestCase("""{"urgency":"Urgent","impact":"High,Low"}""", "urgency,impact", HttpStatusCode.BadRequest, TestName = "Patch_UndefinedValues_Are400NamingThem")]
    [TestCase("""{"title":"ab"}""", "title", HttpStatusCode.BadRequest, TestName = "Patch_TooShortTitle_Is400")]
    [TestCase("""{"description":"a\u0007b"}""", "description", HttpStatusCode.BadRequest, TestName = "Patch_ControlCharacter_Is400")]
    [TestCase("""{}""", "body", HttpStatusCode.BadRequest, TestName = "Patch_Empty_Is400")]
    [TestCase("""[1]""", "", HttpStatusCode.BadRequest, TestName = "Patch_NotAnObject_Is400")]
    [TestCase("""{"title":""", "", HttpStatusCode.BadRequest, TestName = "Patch_MalformedJson_Is400")]
    [TestCase("""{"system":"NO-SUCH"}""", "", HttpStatusCode.UnprocessableEntity, TestName = "Patch_UnknownSystem_Is422")]
    [TestCase("""{"system":"ZJ-MKT"}""", "", HttpStatusCode.UnprocessableEntity, TestName = "Patch_SystemOfAnotherUnit_Is422")]
    public async Task Patch_BadInput_IsRefusedAndChangesNothing(string json, string fields, HttpStatusCode status)
    {
        var ticket = await _given.Requester.CreateAsync();

        var problem = await TicketClient.ExpectProblemAsync(await PatchAsync(_given.ServiceDesk, ticket.Id, json, "\"1\""), status);

        if (fields.Length > 0) Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(fields.Split(',')));
        Assert.That(await ETagOf(ticket.Id), Is.EqualTo("\"1\""));
        Assert.That((await HistoryAsync(ticket.Id)).Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Patch_AsPlainJson_Is415AndChangesNothing()
    {
        var ticket = await _given.Requester.CreateAsync();

        await TicketClient.ExpectProblemAsync(await PatchAsync(_given.ServiceDesk, ticket.Id, """{"title":"Another title"}""", "\"1\"", "application/json"),
            HttpStatusCode.UnsupportedMediaType);

        Assert.That(await ETagOf(ticket.Id), Is.EqualTo("\"1\""));
    }

    [Test]
    public async Task Patch_WithoutOrWithAStaleIfMatch_Is428Or412()
    {
        var ticket = await _given.Requester.CreateAsync();

        await TicketClient.ExpectProblemAsync(await PatchAsync(_given.ServiceDesk, ticket.Id, """{"title":"Another title"}""", null), HttpStatusCode.PreconditionRequired);
        await TicketClient.ExpectProblemAsync(await PatchAsync(_given.ServiceDesk, ticket.Id, """{"title":"Another title"}""", "\"7\""), HttpStatusCode.PreconditionFailed);

        Assert.That(await ETagOf(ticket.Id), Is.EqualTo("\"1\""));
    }

    [TestCase(TicketStatus.Closed)]
    [TestCase(TicketStatus.Cancelled)]
    public async Task Patch_OfAClosedTicket_Is409(TicketStatus status)
    {
        var ticket = await _given.TicketIn(status);
        var etag = await ETagOf(ticket.Id);

        await TicketClient.ExpectProblemAsync(await PatchAsync(_given.ServiceDesk, ticket.Id, """{"title":"Another title"}""", etag), HttpStatusCode.Conflict);

        Assert.That(await ETagOf(ticket.Id), Is.EqualTo(etag));
    }

    [Test]
    public async Task Patch_CategoryOfAnApprovedChange_ClearsItsApproval()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress, Category.DataChange);
        await _given.Engineer.ActOkAsync(ticket.Id, "request-approval", Given.Plan);
        var approved = await _given.Approver.ActOkAsync(ticket.Id, "approve", new { comment = "Go ahead" });
        Assert.That(approved.Approval?.Status, Is.EqualTo(ApprovalStatus.Approved));

        var edited = await PatchOkAsync(_given.ServiceDesk, ticket.Id, """{"category":"ConfigurationChange"}""", $"\"{approved.Version}\"");

        Assert.That((edited.Category, edited.Approval), Is.EqualTo((Category.ConfigurationChange, (ApprovalView?)null)));
        Assert.That((await HistoryAsync(ticket.Id)).Last()!["details"]!["approvalCleared"]!.GetValue<bool>(), Is.True);
        await TicketClient.ExpectProblemAsync(await _given.Engineer.ActAsync(ticket.Id, "resolve", Given.ChangeResolved()), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Patch_SystemOfAChangeAwaitingApproval_Is409()
    {
        var ticket = await _given.TicketIn(TicketStatus.PendingApproval, Category.DataChange);
        var etag = await ETagOf(ticket.Id);

        await TicketClient.ExpectProblemAsync(await PatchAsync(_given.ServiceDesk, ticket.Id, """{"system":"JS-MKT"}""", etag), HttpStatusCode.Conflict);

        Assert.That(await ETagOf(ticket.Id), Is.EqualTo(etag));
    }

    [TestCase("""{"title":"ok \ud800 title"}""")]
    [TestCase("""{"impact":"\udc00"}""")]
    [TestCase("""{"\ud800":"x"}""")]
    public async Task Patch_WithALoneSurrogate_Is400MalformedJsonAndChangesNothing(string json)
    {
        var ticket = await _given.Requester.CreateAsync();

        var problem = await TicketClient.ExpectProblemAsync(await PatchAsync(_given.ServiceDesk, ticket.Id, json, "\"1\""), HttpStatusCode.BadRequest);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:malformed-json"));
        Assert.That(await ETagOf(ticket.Id), Is.EqualTo("\"1\""));
    }

    [TestCase("""{"impact":" Enterprise"}""")]
    [TestCase("""{"impact":"Enterprise "}""")]
    [TestCase("""{"impact":"1"}""")]
    [TestCase("""{"urgency":"High,Low"}""")]
    [TestCase("""{"category":"DataChange, ApplicationProblem"}""")]
    public async Task Patch_WithAnEnumThatIsNotExactlyAName_Is400AndChangesNothing(string json)
    {
        var ticket = await _given.Requester.CreateAsync();

        await TicketClient.ExpectProblemAsync(await PatchAsync(_given.ServiceDesk, ticket.Id, json, "\"1\""), HttpStatusCode.BadRequest);

        Assert.That(await ETagOf(ticket.Id), Is.EqualTo("\"1\""));
    }

    [Test]
    public async Task Patch_ThatChangesNothing_Is200WithTheSameETagAndNoHistory()
    {
        var ticket = await _given.Requester.CreateAsync();
        var history = (await HistoryAsync(ticket.Id)).Count;

        var response = await PatchAsync(_given.ServiceDesk, ticket.Id, $$"""{"system":"{{ticket.System}}","title":"{{ticket.Title}}"}""", "\"1\"");

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        Assert.That(response.Headers.ETag?.Tag, Is.EqualTo("\"1\""));
        var body = (await response.Content.ReadFromJsonAsync<TicketResponse>(TicketClient.Json))!;
        Assert.That((body.Version, body.System, body.Title), Is.EqualTo((1, ticket.System, ticket.Title)));
        Assert.That(await ETagOf(ticket.Id), Is.EqualTo("\"1\""));
        Assert.That((await HistoryAsync(ticket.Id)).Count, Is.EqualTo(history), "no empty edit in the history");
    }

    [Test]
    public async Task Patch_ThatChangesNothing_ByACallerWhoMayNotEdit_IsStillRefused()
    {
        var ticket = await _given.TicketIn(TicketStatus.Triaged);

        var response = await PatchAsync(_given.Requester, ticket.Id, $$"""{"title":"{{ticket.Title}}"}""", $"\"{ticket.Version}\"");

        Assert.That((int)response.StatusCode, Is.InRange(400, 499));
    }
}
