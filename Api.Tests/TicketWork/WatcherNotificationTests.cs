using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sla;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.TicketWork;

/// <summary>
/// A watcher gets a ticket's notifications once per event: one the event already reaches (a member of the group it went to,
/// or of the unit's service desk) gets no copy besides; a watcher it does not reach gets one. Each test runs its own service,
/// as each moves the clock from the start of a working day (09:00 Shanghai).
/// </summary>
[TestFixture]
public sealed class WatcherNotificationTests
{
    private const string ColleagueId = "js-colleague";

    private static async Task<TicketClient> ColleagueAsync(ItsmApp app)
    {
        using var manager = app.As(Keys.JsItManager);
        await TicketClient.ExpectAsync(await manager.Http.PostAsJsonAsync("/api/v1/admin/users",
            new { id = ColleagueId, name = "JS colleague", unit = "JS", roles = new[] { "Requester" }, groups = Array.Empty<string>() }), HttpStatusCode.Created);
        var issued = await manager.Http.PostAsJsonAsync($"/api/v1/admin/users/{ColleagueId}/api-keys", new { name = "tests" });
        await TicketClient.ExpectAsync(issued, HttpStatusCode.Created);
        return app.As((await issued.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>());
    }

    private static async Task WatchAsync(TicketClient caller, long id, string? user = null) =>
        await TicketClient.ExpectAsync(await caller.Http.PostAsJsonAsync($"/api/v1/tickets/{id}/watchers", new { user }), HttpStatusCode.Created);

    private static async Task<(string Type, string Kind, string Recipient)[]> NotificationsAbout(TicketClient reader, long ticketId) =>
        (await reader.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray()
        .Where(n => n!["ticketId"]?.GetValue<long>() == ticketId)
        .Select(n => (n!["type"]!.GetValue<string>(), n["recipientKind"]!.GetValue<string>(), n["recipient"]!.GetValue<string>()))
        .ToArray();

    [Test]
    public async Task SlaWarning_ToTheGroupOfAWatcherInIt_ReachesThatWatcherOnce()
    {
        using var app = new ItsmApp();
        using var given = new Given(app);
        using var colleague = await ColleagueAsync(app);
        // P1: resolved within 4 business hours; the warning comes at 75 %, 12:00.
        var ticket = await given.Requester.CreateAsync(TicketClient.NewTicket("ERP down for the whole company", impact: Impact.Enterprise, urgency: Urgency.High));
        await given.ServiceDesk.ActOkAsync(ticket.Id, "triage", new { group = "JS-L2SYS" });
        await given.Engineer.ActOkAsync(ticket.Id, "start");
        await WatchAsync(given.Engineer, ticket.Id);
        await WatchAsync(given.Engineer, ticket.Id, ColleagueId);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 12, 1, 0, TimeSpan.FromHours(8)));

        await app.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None);

        var engineerReads = await NotificationsAbout(given.Engineer, ticket.Id);
        var colleagueReads = await NotificationsAbout(colleague, ticket.Id);
        Assert.Multiple(() =>
        {
            Assert.That(engineerReads, Is.EqualTo(new[] { ("sla.warning", "Group", "JS-L2SYS") }));
            Assert.That(colleagueReads, Is.EqualTo(new[] { ("sla.warning", "User", ColleagueId) }));
        });
    }

    [Test]
    public async Task SlaWarning_ToTheServiceDeskOfAWatcherAtIt_ReachesThatWatcherOnce()
    {
        using var app = new ItsmApp();
        using var given = new Given(app);
        using var colleague = await ColleagueAsync(app);
        // Not yet triaged: the response warning (75 % of 4 business hours, 12:00) goes to the unit's service desk.
        var ticket = await given.Requester.CreateAsync();
        await WatchAsync(given.ServiceDesk, ticket.Id);
        await WatchAsync(given.ServiceDesk, ticket.Id, ColleagueId);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 12, 1, 0, TimeSpan.FromHours(8)));

        await app.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None);

        var deskReads = await NotificationsAbout(given.ServiceDesk, ticket.Id);
        var colleagueReads = await NotificationsAbout(colleague, ticket.Id);
        Assert.Multiple(() =>
        {
            Assert.That(deskReads.Select(n => (n.Type, n.Kind)), Is.EqualTo(new[] { ("sla.warning", "ServiceDesk") }));
            Assert.That(colleagueReads, Is.EqualTo(new[] { ("sla.warning", "User", ColleagueId) }));
        });
    }
}
