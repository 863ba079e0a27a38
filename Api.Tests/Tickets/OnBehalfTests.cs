using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Tickets;

/// <summary>
/// Line 1 (or an integration) raises a ticket for a caller: that user is the requester (sees it, comments, confirms,
/// reopens), the caller is recorded as <c>raisedBy</c>. Other callers may not raise on anyone's behalf.
/// </summary>
[TestFixture]
public sealed class OnBehalfTests : ApiFixture
{
    private static object OnBehalf(string title, string? onBehalfOf, object? externalRef = null) => new
    {
        system = "ERP", category = "ApplicationProblem", title, description = "Called line 1: posting fails.",
        impact = "Individual", urgency = "Medium", onBehalfOf, externalRef,
    };

    private static string UniqueTitle(string what) => $"{what} {Guid.NewGuid():N}";

    /// <summary>How many tickets with this title exist, as JS's IT manager sees them (refusals create none).</summary>
    private async Task<int> CountAsync(string title) =>
        (await _given.ItManager.GetJsonAsync($"/api/v1/tickets?text={Uri.EscapeDataString(title)}"))["items"]!.AsArray().Count;

    [Test]
    public async Task RaiseOnBehalf_ByServiceDesk_RequesterSeesCommentsReopensAndConfirmsIt()
    {
        var raised = await _given.ServiceDesk.CreateAsync(OnBehalf(UniqueTitle("Posting fails"), "js-requester"));

        Assert.That((raised.Requester, raised.RaisedBy, raised.Unit), Is.EqualTo(("js-requester", "js-servicedesk", "JS")));
        var mine = (await _given.Requester.GetJsonAsync("/api/v1/tickets"))["items"]!.AsArray();
        Assert.That(mine.Select(t => t!["id"]!.GetValue<long>()), Does.Contain(raised.Id), "the requester's own list holds it");
        var seen = await _given.Requester.GetTicketAsync(raised.Id);
        Assert.That(seen.AllowedActions, Is.EquivalentTo(new[] { "cancel", "comment", "edit" }));
        await TicketClient.ExpectAsync(await _given.Requester.Http.PostAsJsonAsync($"/api/v1/tickets/{raised.Id}/comments",
            new { body = "It fails on every invoice since this morning." }), HttpStatusCode.Created);

        await _given.ServiceDesk.ActOkAsync(raised.Id, "triage", new { group = "JS-L2SYS" });
        await _given.Engineer.ActOkAsync(raised.Id, "start");
        await _given.Engineer.ActOkAsync(raised.Id, "resolve", new { code = "Fixed", resolution = "Cleared the posting lock" });
        var reopened = await _given.Requester.ActOkAsync(raised.Id, "reopen", new { reason = "Still fails for credit notes" });
        Assert.That(reopened.Status, Is.EqualTo(TicketStatus.InProgress));
        await _given.Engineer.ActOkAsync(raised.Id, "resolve", new { code = "Fixed", resolution = "Credit notes fixed too" });
        var closed = await _given.Requester.ActOkAsync(raised.Id, "confirm", new { satisfaction = 5 });

        Assert.That((closed.Status, closed.Outcome, closed.Satisfaction), Is.EqualTo((TicketStatus.Closed, ClosureOutcome.Resolved, 5)));
        var request = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{raised.Id}/history"))["items"]!.AsArray()[0]!;
        Assert.That((request["action"]!.GetValue<string>(), request["actor"]!.GetValue<string>()), Is.EqualTo(("request", "js-servicedesk")));
        Assert.That((request["details"]!["requester"]!.GetValue<string>(), request["details"]!["raisedBy"]!.GetValue<string>()),
            Is.EqualTo(("js-requester", "js-servicedesk")));
    }

    [Test]
    public async Task RaiseForThemselves_WithoutOnBehalfOf_RequesterAndRaisedByAreTheCaller()
    {
        var raised = await _given.ServiceDesk.CreateAsync(OnBehalf(UniqueTitle("Own ticket"), null));

        Assert.That((raised.Requester, raised.RaisedBy), Is.EqualTo(("js-servicedesk", "js-servicedesk")));
    }

    [TestCase(Keys.JsRequester, "js-approver")]
    [TestCase(Keys.JsApprover, "js-requester")]
    [TestCase(Keys.JsEngineer, "js-requester")]
    [TestCase(Keys.JsRequester, "no-such-user")]
    public async Task RaiseOnBehalf_ByCallerNotLine1NorIntegration_Is403AndRaisesNothing(string key, string onBehalfOf)
    {
        using var caller = _app.As(key);
        var title = UniqueTitle("Not allowed");

        var response = await caller.Http.PostAsJsonAsync("/api/v1/tickets", OnBehalf(title, onBehalfOf));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:forbidden"));
        Assert.That(await CountAsync(title), Is.Zero);
    }

    [TestCase("zj-requester", TestName = "RaiseOnBehalf_OfUserOutsideTheCallersScope_Is422NamingOnBehalfOf")]
    [TestCase("no-such-user", TestName = "RaiseOnBehalf_OfUnknownUser_Is422NamingOnBehalfOf")]
    public async Task RaiseOnBehalf_OfUserNotInScope_Is422AndRaisesNothing(string onBehalfOf)
    {
        var title = UniqueTitle("Wrong user");

        var response = await _given.ServiceDesk.Http.PostAsJsonAsync("/api/v1/tickets", OnBehalf(title, onBehalfOf));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo("onBehalfOf"));
        Assert.That(await CountAsync(title), Is.Zero);
    }

    [Test]
    public async Task RaiseOnBehalf_OfAPersonWithoutTheRequesterRole_Is422AndRaisesNothing()
    {
        var title = UniqueTitle("For an IT manager");

        // An IT manager holds no Requester role: they could neither confirm nor reopen the ticket.
        var response = await _given.ServiceDesk.Http.PostAsJsonAsync("/api/v1/tickets", OnBehalf(title, "js-itmanager"));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo("onBehalfOf"));
        Assert.That(await CountAsync(title), Is.Zero);
    }

    [Test]
    public async Task RaiseOnBehalf_AtAUnitAboveTheRequester_Is422NamingUnitAndRaisesNothing()
    {
        await TicketClient.ExpectAsync(await _given.ItManager.Http.PostAsJsonAsync("/api/v1/admin/users", new
        {
            id = "nj-clerk", name = "Nanjing clerk", unit = "JS-NJ", roles = new[] { "Requester" },
        }), HttpStatusCode.Created);
        var title = UniqueTitle("Raised above the requester");
        var body = new
        {
            system = "ERP", category = "ApplicationProblem", title, description = "Called line 1.", impact = "Individual",
            urgency = "Medium", onBehalfOf = "nj-clerk", unit = "JS",
        };

        // A JS ticket would be outside the Nanjing clerk's scope: they could not see their own ticket.
        var response = await _given.ServiceDesk.Http.PostAsJsonAsync("/api/v1/tickets", body);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo("unit"));
        Assert.That(await CountAsync(title), Is.Zero);
        var atTheirUnit = await _given.ServiceDesk.CreateAsync(new
        {
            system = "ERP", category = "ApplicationProblem", title, description = "Called line 1.", impact = "Individual",
            urgency = "Medium", onBehalfOf = "nj-clerk",
        });
        Assert.That((atTheirUnit.Unit, atTheirUnit.Requester), Is.EqualTo(("JS-NJ", "nj-clerk")));
    }

    [Test]
    public async Task RaiseOnBehalf_OfAnIntegration_Is422AndRaisesNothing()
    {
        await TicketClient.ExpectAsync(await _given.ItManager.Http.PostAsJsonAsync("/api/v1/admin/users", new
        {
            id = "js-monitoring", name = "JS monitoring", unit = "JS", roles = new[] { "Integration" }, integration = true,
        }), HttpStatusCode.Created);
        var title = UniqueTitle("For a system");

        var response = await _given.ServiceDesk.Http.PostAsJsonAsync("/api/v1/tickets", OnBehalf(title, "js-monitoring"));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo("onBehalfOf"));
        Assert.That(await CountAsync(title), Is.Zero);
    }

    [Test]
    public async Task RaiseOnBehalf_ByHqIntegration_IsTheRequestersTicketInTheirUnit()
    {
        using var hq = _app.As(Keys.HqIntegration);

        var raised = await hq.CreateAsync(OnBehalf(UniqueTitle("From the HQ helpdesk"), "js-requester"));

        Assert.That((raised.Requester, raised.RaisedBy, raised.Unit), Is.EqualTo(("js-requester", "hq-integration", "JS")));
        Assert.That((await _given.Requester.GetTicketAsync(raised.Id)).AllowedActions, Does.Contain("cancel"));
    }

    [Test]
    public async Task RaiseOnBehalf_SameExternalRefAgain_FindsTheCallersTicket_WhileTheRequestersOwnRefIsTheirs()
    {
        var reference = new { system = "callcenter", id = "call-" + Guid.NewGuid().ToString("N")[..8] };
        var first = await _given.ServiceDesk.CreateAsync(OnBehalf(UniqueTitle("Call"), "js-requester", reference));

        var again = await _given.ServiceDesk.Http.PostAsJsonAsync("/api/v1/tickets", OnBehalf(UniqueTitle("Call again"), "js-requester", reference));
        var requestersOwn = await _given.Requester.CreateAsync(OnBehalf(UniqueTitle("My own"), null, reference));

        await TicketClient.ExpectAsync(again, HttpStatusCode.OK);
        Assert.That((await again.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>(), Is.EqualTo(first.Id));
        Assert.That(requestersOwn.Id, Is.Not.EqualTo(first.Id), "the reference is the service desk's, not the requester's");
    }
}
