using System.Net;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Access;

/// <summary>A caller sees and acts only within its unit subtree; HQ sees all; requesters see their own tickets.</summary>
[TestFixture]
public sealed class UnitScopeTests : ApiFixture
{
    [TestCase(Keys.ZjRequester)]
    [TestCase(Keys.ZjServiceDesk)]
    [TestCase(Keys.ZjEngineer)]
    [TestCase(Keys.ZjItManager)]
    public async Task ZjCaller_CannotSeeOrActOnAJsTicket(string zjKey)
    {
        var ticket = await _given.Requester.CreateAsync(TicketClient.NewTicket("Scope probe " + zjKey));
        using var zj = _app.As(zjKey);

        await TicketClient.ExpectProblemAsync(await zj.GetAsync(ticket.Id), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await zj.Http.GetAsync($"/api/v1/tickets/{ticket.Id}/history"), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await zj.Http.GetAsync($"/api/v1/tickets/{ticket.Id}/comments"), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await zj.ActAsync(ticket.Id, "triage", new { group = "ZJ-L2SYS" }, ifMatch: "\"1\""), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await zj.ActAsync(ticket.Id, "cancel", new { reason = "x" }, ifMatch: "\"1\""), HttpStatusCode.NotFound);
        var page = await zj.GetJsonAsync("/api/v1/tickets?limit=200&text=" + Uri.EscapeDataString("Scope probe"));
        Assert.That(page["items"]!.AsArray(), Is.Empty);
        Assert.That((await _given.ItManager.GetTicketAsync(ticket.Id)).Version, Is.EqualTo(1));
    }

    [Test]
    public async Task Hq_SeesJsTicketsAndActsOnEscalatedOnes()
    {
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq, title: "HQ scope probe");
        using var hqManager = _app.As(Keys.HqItManager);

        Assert.That((await hqManager.GetTicketAsync(ticket.Id)).Number, Is.EqualTo(ticket.Number));
        var page = await hqManager.GetJsonAsync("/api/v1/tickets?unit=JS&text=" + Uri.EscapeDataString("HQ scope probe"));
        Assert.That(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()), Does.Contain(ticket.Id));

        var returned = await _given.HqEngineer.ActOkAsync(ticket.Id, "hq-return", new { guidance = "Apply the central patch" });
        Assert.That(returned.Status, Is.EqualTo(TicketStatus.InProgress));
    }

    [Test]
    public async Task HqIntegration_ResolvesAnEscalatedTicket()
    {
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq);
        using var hqSystem = _app.As(Keys.HqIntegration);

        var resolved = await hqSystem.ActOkAsync(ticket.Id, "resolve", new { code = "Fixed", resolution = "Patched centrally" });

        Assert.That(resolved.Status, Is.EqualTo(TicketStatus.Resolved));
    }

    [Test]
    public async Task Requester_SeesOnlyTheirOwnTickets()
    {
        var other = await _given.Approver.CreateAsync(TicketClient.NewTicket("Raised by someone else"));
        var own = await _given.Requester.CreateAsync(TicketClient.NewTicket("Raised by me"));

        await TicketClient.ExpectProblemAsync(await _given.Requester.GetAsync(other.Id), HttpStatusCode.NotFound);
        var page = await _given.Requester.GetJsonAsync("/api/v1/tickets?limit=200");
        var requesters = page["items"]!.AsArray().Select(t => t!["requester"]!.GetValue<string>()).Distinct();
        Assert.That(requesters, Is.EqualTo(new[] { "js-requester" }));
        Assert.That((await _given.Requester.GetTicketAsync(own.Id)).Id, Is.EqualTo(own.Id));
    }

    [Test]
    public async Task Request_ForAUnitOutsideTheCallersScope_Is422()
    {
        var response = await _given.Requester.Http.PostAsync("/api/v1/tickets",
            System.Net.Http.Json.JsonContent.Create(TicketClient.NewTicket(unit: "ZJ")));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo("unit"));
    }

    [Test]
    public async Task Request_ForASubUnit_NumbersTheTicketForThatUnit()
    {
        var ticket = await _given.ServiceDesk.CreateAsync(TicketClient.NewTicket(unit: "JS-NJ"));

        Assert.That(ticket.Unit, Is.EqualTo("JS-NJ"));
        Assert.That(ticket.Number, Does.Match(@"^JS-NJ-2026-\d{6}$"));
        using var njScoped = _app.As(Keys.JsItManager);
        Assert.That((await njScoped.GetTicketAsync(ticket.Id)).Unit, Is.EqualTo("JS-NJ"));
    }

    [Test]
    public async Task Triage_ToAGroupOfAnotherProvince_Is422()
    {
        var ticket = await _given.Requester.CreateAsync();

        var response = await _given.ServiceDesk.ActAsync(ticket.Id, "triage", new { group = "ZJ-L2SYS" }, ticket.Version);

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Test]
    public async Task Units_ListOnlyTheCallersSubtree()
    {
        using var zj = _app.As(Keys.ZjItManager);
        using var hq = _app.As(Keys.HqItManager);

        var zjUnits = (await zj.GetJsonAsync("/api/v1/units")).AsArray().Select(u => u!["id"]!.GetValue<string>());
        var hqUnits = (await hq.GetJsonAsync("/api/v1/units")).AsArray().Select(u => u!["id"]!.GetValue<string>());

        Assert.That(zjUnits, Is.EquivalentTo(new[] { "ZJ", "ZJ-HZ" }));
        Assert.That(hqUnits, Is.SupersetOf(new[] { "HQ", "JS", "JS-NJ", "ZJ", "ZJ-HZ" }));
    }

    [Test]
    public async Task SystemsAndGroups_IncludeThoseOfUnitsAboveButNotOfOtherProvinces()
    {
        var systems = (await _given.Requester.GetJsonAsync("/api/v1/systems")).AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
        var groups = (await _given.Requester.GetJsonAsync("/api/v1/groups")).AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();

        Assert.That(systems, Does.Contain("ERP").And.Contain("JS-MKT").And.Not.Contain("ZJ-MKT"));
        Assert.That(groups, Does.Contain("JS-L1").And.Contain("HQ-L3").And.Not.Contain("ZJ-L1"));
    }

    [Test]
    public async Task Me_DescribesTheCaller()
    {
        var me = await _given.Engineer.GetJsonAsync("/api/v1/me");

        Assert.That(me["id"]!.GetValue<string>(), Is.EqualTo("js-engineer"));
        Assert.That(me["unit"]!.GetValue<string>(), Is.EqualTo("JS"));
        Assert.That(me["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "Engineer" }));
        Assert.That(me["groups"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EquivalentTo(new[] { "JS-L2BIZ", "JS-L2SYS" }));
    }
}
