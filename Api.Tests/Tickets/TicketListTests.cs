using System.Net;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Tickets;

[TestFixture]
public sealed class TicketListTests : ApiFixture
{
    [Test]
    public async Task Paging_WhileTicketsAreBeingCreated_HasNoGapsOrDuplicates()
    {
        var marker = "paging-" + Guid.NewGuid().ToString("N")[..8];
        var before = new List<long>();
        for (var i = 0; i < 45; i++) before.Add((await _given.Requester.CreateAsync(TicketClient.NewTicket($"{marker} {i}"))).Id);

        using var writer = _app.As(Keys.JsRequester);
        using var stop = new CancellationTokenSource();
        var concurrentCreates = Task.Run(async () =>
        {
            var created = 0;
            while (!stop.IsCancellationRequested && created < 200)
            {
                await writer.CreateAsync(TicketClient.NewTicket($"{marker} during {created++}"));
            }
            return created;
        });

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _given.ItManager.GetJsonAsync($"/api/v1/tickets?limit=7&text={marker}" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null && pages < 100);
        await stop.CancelAsync();
        var createdDuring = await concurrentCreates;

        Assert.That(createdDuring, Is.GreaterThan(0));
        Assert.That(seen, Is.Unique);
        Assert.That(seen, Is.Ordered.Descending, "newest first");
        Assert.That(seen, Is.SupersetOf(before), "every ticket that existed when paging began appears");
    }

    [Test]
    public async Task Filters_SelectExactlyTheMatchingTickets()
    {
        var marker = "filters-" + Guid.NewGuid().ToString("N")[..8];
        var erp = await _given.Requester.CreateAsync(TicketClient.NewTicket($"{marker} erp", Category.UserGuidance, system: "ERP", impact: Impact.Unit, urgency: Urgency.High));
        var hr = await _given.Requester.CreateAsync(TicketClient.NewTicket($"{marker} hr", Category.AccountPermission, system: "HR"));
        var triaged = await _given.Requester.CreateAsync(TicketClient.NewTicket($"{marker} triaged", system: "JS-MKT"));
        await _given.ServiceDesk.ActOkAsync(triaged.Id, "triage", new { group = "JS-L2BIZ", assignee = "js-engineer" });
        var njTicket = await _given.ServiceDesk.CreateAsync(TicketClient.NewTicket($"{marker} nj", unit: "JS-NJ"));

        async Task<long[]> Ids(string query) =>
            (await _given.ItManager.GetJsonAsync($"/api/v1/tickets?text={marker}&{query}"))["items"]!.AsArray()
            .Select(t => t!["id"]!.GetValue<long>()).ToArray();

        Assert.That(await Ids("system=HR"), Is.EqualTo(new[] { hr.Id }));
        Assert.That(await Ids("category=UserGuidance"), Is.EqualTo(new[] { erp.Id }));
        Assert.That(await Ids("priority=P1"), Is.EqualTo(new[] { erp.Id }));
        Assert.That(await Ids("status=Triaged"), Is.EqualTo(new[] { triaged.Id }));
        Assert.That(await Ids("status=Triaged&status=New"), Is.EqualTo(new[] { njTicket.Id, triaged.Id, hr.Id, erp.Id }));
        Assert.That(await Ids("group=JS-L2BIZ"), Is.EqualTo(new[] { triaged.Id }));
        Assert.That(await Ids("assignee=js-engineer"), Is.EqualTo(new[] { triaged.Id }));
        Assert.That(await Ids("requester=js-servicedesk"), Is.EqualTo(new[] { njTicket.Id }));
        Assert.That(await Ids("unit=JS-NJ"), Is.EqualTo(new[] { njTicket.Id }));
        Assert.That(await Ids("unit=JS"), Has.Length.EqualTo(4));
        Assert.That(await Ids("createdFrom=2000-01-01T00:00:00Z&createdTo=2001-01-01T00:00:00Z"), Is.Empty);
        var now = Uri.EscapeDataString(_app.Clock.GetUtcNow().ToString("O"));
        Assert.That(await Ids($"createdTo={now}"), Is.Empty, "createdTo is exclusive and all were created at the fake clock's now");
        Assert.That(await Ids($"createdFrom={now}"), Has.Length.EqualTo(4));
    }

    [Test]
    public async Task Text_MatchesLikeWildcardsLiterally()
    {
        var marker = "lit" + Guid.NewGuid().ToString("N")[..8];
        var literal = await _given.Requester.CreateAsync(TicketClient.NewTicket($"{marker} 100% done"));
        await _given.Requester.CreateAsync(TicketClient.NewTicket($"{marker} 100 done"));

        var page = await _given.ItManager.GetJsonAsync($"/api/v1/tickets?text={Uri.EscapeDataString(marker + " 100%")}");

        Assert.That(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()), Is.EqualTo(new[] { literal.Id }));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=201", "limit")]
    [TestCase("cursor=not-a-cursor", "cursor")]
    [TestCase("cursor=dDE6LTU", "cursor")]
    [TestCase("status=Sleeping", null)]
    [TestCase("status=99", "status")]
    [TestCase("priority=P9", null)]
    [TestCase("createdFrom=yesterday", null)]
    [TestCase("createdFrom=2026-02-01T00:00:00Z&createdTo=2026-01-01T00:00:00Z", "createdFrom")]
    [TestCase("unit=NOWHERE", "unit")]
    public async Task List_WithABadParameter_Is400(string query, string? field)
    {
        var response = await _given.ItManager.Http.GetAsync($"/api/v1/tickets?{query}");

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        if (field is not null) Assert.That(problem["errors"]![field], Is.Not.Null, problem.ToJsonString());
    }

    [Test]
    public async Task DefaultPage_Has25AndANextCursor()
    {
        for (var i = 0; i < 26; i++) await _given.Requester.CreateAsync();

        var page = await _given.ItManager.GetJsonAsync("/api/v1/tickets");

        Assert.That(page["items"]!.AsArray(), Has.Count.EqualTo(25));
        Assert.That(page["nextCursor"]?.GetValue<string>(), Is.Not.Null.And.Not.Empty);
    }
}
