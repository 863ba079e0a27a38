using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Tickets;

/// <summary>
/// A ticket line 1 resolved at first contact that its requester reopens is back in progress with line 1: the service desk
/// answers it again (or hands it to a line-2 group, which then holds it); engineers do not resolve what no group of theirs holds.
/// </summary>
[TestFixture]
public sealed class ReopenAfterFirstContactTests : ApiFixture
{
    private static readonly object Answer = new { code = "Fixed", resolution = "Guided the user through the login settings" };

    private async Task<TicketResponse> ReopenedAfterFirstContact(string? triagedTo = null)
    {
        var ticket = await _given.Requester.CreateAsync();
        if (triagedTo is not null) await _given.ServiceDesk.ActOkAsync(ticket.Id, "triage", new { group = triagedTo });
        await _given.ServiceDesk.ActOkAsync(ticket.Id, "resolve", Answer);
        return await _given.Requester.ActOkAsync(ticket.Id, "reopen", new { reason = "It happens again" });
    }

    [Test]
    public async Task Resolve_ByTheServiceDeskAfterTheRequesterReopensAFirstContactAnswer_ResolvesItAgain()
    {
        var reopened = await ReopenedAfterFirstContact();
        var seen = await _given.ServiceDesk.GetTicketAsync(reopened.Id);

        var resolved = await _given.ServiceDesk.ActOkAsync(reopened.Id, "resolve", Answer, reopened.Version);

        Assert.Multiple(() =>
        {
            Assert.That((reopened.Status, reopened.Group), Is.EqualTo((TicketStatus.InProgress, (string?)null)));
            Assert.That(seen.AllowedActions, Does.Contain("resolve"));
            Assert.That(resolved.Status, Is.EqualTo(TicketStatus.Resolved));
        });
    }

    [Test]
    public async Task Resolve_ByTheServiceDeskAfterReopenOfATicketTriagedToItsOwnDesk_ResolvesItAgain()
    {
        var reopened = await ReopenedAfterFirstContact(triagedTo: "JS-L1");

        var resolved = await _given.ServiceDesk.ActOkAsync(reopened.Id, "resolve", Answer, reopened.Version);

        Assert.That(resolved.Status, Is.EqualTo(TicketStatus.Resolved));
    }

    [Test]
    public async Task Resolve_ByAnEngineerOrTheRequesterAfterReopenOfAFirstContactAnswer_Is403AndChangesNothing()
    {
        var reopened = await ReopenedAfterFirstContact();

        var byEngineer = await _given.Engineer.ActAsync(reopened.Id, "resolve", Answer, reopened.Version);
        var byRequester = await _given.Requester.ActAsync(reopened.Id, "resolve", Answer, reopened.Version);
        var engineerSees = await _given.Engineer.GetTicketAsync(reopened.Id);

        await TicketClient.ExpectProblemAsync(byEngineer, HttpStatusCode.Forbidden);
        await TicketClient.ExpectProblemAsync(byRequester, HttpStatusCode.Forbidden);
        Assert.Multiple(() =>
        {
            Assert.That(engineerSees.AllowedActions, Does.Not.Contain("resolve"));
            Assert.That((engineerSees.Status, engineerSees.Version), Is.EqualTo((reopened.Status, reopened.Version)));
        });
    }

    [Test]
    public async Task Resolve_ByTheServiceDeskOnceItHandedTheReopenedTicketToLine2_Is403AndTheGroupResolvesIt()
    {
        var reopened = await ReopenedAfterFirstContact();
        var handed = await _given.ServiceDesk.ActOkAsync(reopened.Id, "reassign",
            new { group = "JS-L2SYS", reason = "Not solved at first contact" }, reopened.Version);

        var byDesk = await _given.ServiceDesk.ActAsync(reopened.Id, "resolve", Answer, handed.Version);
        await TicketClient.ExpectProblemAsync(byDesk, HttpStatusCode.Forbidden);
        var byEngineer = await _given.Engineer.ActOkAsync(reopened.Id, "resolve", Answer, handed.Version);

        Assert.That(byEngineer.Status, Is.EqualTo(TicketStatus.Resolved));
    }

    [Test]
    public async Task Resolve_ByAServiceDeskMemberAlsoInTheLine2GroupHoldingTheTicket_Is403AndChangesNothing()
    {
        // Line 1 answers what no line-2 group holds: membership of the group does not make a service-desk agent its engineer.
        using var manager = _app.As(Keys.JsItManager);
        await TicketClient.ExpectAsync(await manager.Http.PostAsJsonAsync("/api/v1/admin/users",
            new { id = "js-desk-and-system", name = "JS desk agent in system O&M", unit = "JS", roles = new[] { "ServiceDesk" },
                groups = new[] { "JS-L1", "JS-L2SYS" } }), HttpStatusCode.Created);
        var issued = await manager.Http.PostAsJsonAsync("/api/v1/admin/users/js-desk-and-system/api-keys", new { name = "tests" });
        await TicketClient.ExpectAsync(issued, HttpStatusCode.Created);
        using var agent = _app.As((await issued.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["key"]!.GetValue<string>());
        var ticket = await _given.Requester.CreateAsync();
        await _given.ServiceDesk.ActOkAsync(ticket.Id, "triage", new { group = "JS-L2SYS" });
        var started = await _given.Engineer.ActOkAsync(ticket.Id, "start");

        var byAgent = await agent.ActAsync(ticket.Id, "resolve", Answer, started.Version);
        var seen = await agent.GetTicketAsync(ticket.Id);

        await TicketClient.ExpectProblemAsync(byAgent, HttpStatusCode.Forbidden);
        Assert.That(seen.AllowedActions, Does.Not.Contain("resolve"));
        Assert.That((seen.Status, seen.Version), Is.EqualTo((TicketStatus.InProgress, started.Version)));
    }
}
