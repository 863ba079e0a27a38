using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sla;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.TicketWork;

/// <summary>Watchers: who may add whom, what a watcher reads, and the notifications a watcher gets.</summary>
[TestFixture]
public sealed class WatcherTests : TicketWorkFixture
{
    private async Task<string[]> WatchersOf(long id) =>
        (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{id}/watchers"))["items"]!.AsArray().Select(w => w!["user"]!.GetValue<string>()).ToArray();

    private Task<HttpResponseMessage> WatchAsync(TicketClient caller, long id, string? user = null) =>
        caller.Http.PostAsJsonAsync($"/api/v1/tickets/{id}/watchers", new { user });

    [Test]
    public async Task Watcher_GetsTheTicketsNotifications()
    {
        var ticket = await _given.Requester.CreateAsync();
        await TicketClient.ExpectAsync(await WatchAsync(_given.ServiceDesk, ticket.Id, ColleagueId), HttpStatusCode.Created);
        // The response target (4 business hours from 09:00 Shanghai) is 75 % used at 12:00.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 12, 1, 0, TimeSpan.FromHours(8)));

        await _app.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None);

        var notes = (await Colleague.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray();
        Assert.That(notes.Where(n => n!["ticketId"]!.GetValue<long>() == ticket.Id)
                .Select(n => (n!["ticketId"]!.GetValue<long>(), n["type"]!.GetValue<string>(), n["recipientKind"]!.GetValue<string>(), n["recipient"]!.GetValue<string>())),
            Is.EqualTo(new[] { (ticket.Id, "sla.warning", "User", ColleagueId) }));
        var requesterNotes = (await _given.Requester.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray();
        Assert.That(requesterNotes.Any(n => n!["ticketId"]!.GetValue<long>() == ticket.Id), Is.False, "only watchers get a copy");
    }

    [Test]
    public async Task Watcher_ReadsThePublicViewAsItsRequesterDoes()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        await TicketClient.ExpectAsync(await _given.Engineer.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments",
            new { body = "Lock held by batch job 17", visibility = "Internal" }), HttpStatusCode.Created);
        await TicketClient.ExpectAsync(await _given.Engineer.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments",
            new { body = "We are on it", visibility = "Public" }), HttpStatusCode.Created);
        await TicketClient.ExpectProblemAsync(await Colleague.GetAsync(ticket.Id), HttpStatusCode.NotFound);

        await TicketClient.ExpectAsync(await WatchAsync(_given.Engineer, ticket.Id, ColleagueId), HttpStatusCode.Created);

        Assert.That((await Colleague.GetTicketAsync(ticket.Id)).Id, Is.EqualTo(ticket.Id));
        var comments = (await Colleague.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/comments"))["items"]!.AsArray();
        Assert.That(comments.Select(c => c!["body"]!.GetValue<string>()), Is.EqualTo(new[] { "We are on it" }));
        var history = (await Colleague.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history"))["items"]!.AsArray();
        Assert.That(history.Any(h => h!["details"]!.ToJsonString().Contains("batch job 17")), Is.False);
        Assert.That(history.Last()!["action"]!.GetValue<string>(), Is.EqualTo("watcher.added"));
        // Watching is reading: the watcher takes no action on the ticket.
        await TicketClient.ExpectProblemAsync(await Colleague.ActAsync(ticket.Id, "cancel", new { reason = "Not mine" }), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Watcher_SeesAndDownloadsPublicAttachmentsButNotInternalOnes_AndIsOfferedNoActions()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        var publicFile = await AttachAsync(ticket.Id, "Public", "screen.txt");
        await AttachAsync(ticket.Id, "Internal", "trace.txt");
        await TicketClient.ExpectAsync(await WatchAsync(_given.Engineer, ticket.Id, ColleagueId), HttpStatusCode.Created);

        var listed = (await Colleague.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/attachments"))["items"]!.AsArray();
        Assert.That(listed.Select(a => a!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "screen.txt" }));
        var download = await Colleague.Http.GetAsync($"/api/v1/tickets/{ticket.Id}/attachments/{publicFile}");
        await TicketClient.ExpectAsync(download, HttpStatusCode.OK);

        // Watching is reading: what the ticket offers the watcher agrees with what the service lets them do.
        var seen = await Colleague.GetTicketAsync(ticket.Id);
        Assert.That(seen.AllowedActions, Is.Empty);
        await TicketClient.ExpectProblemAsync(await Colleague.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments",
            new { body = "Me too", visibility = "Public" }), HttpStatusCode.NotFound);
    }

    private async Task<long> AttachAsync(long ticket, string visibility, string name)
    {
        var form = new MultipartFormDataContent { { new StringContent(visibility), "visibility" } };
        form.Add(new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes($"{name} {Guid.NewGuid()}")), "files", name);
        var response = await _given.Engineer.Http.PostAsync($"/api/v1/tickets/{ticket}/attachments", form);
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["items"]![0]!["id"]!.GetValue<long>();
    }

    [Test]
    public async Task Requester_AddsAndRemovesOnlyThemselves()
    {
        var ticket = await _given.Requester.CreateAsync();

        await TicketClient.ExpectProblemAsync(await WatchAsync(_given.Requester, ticket.Id, ColleagueId), HttpStatusCode.Forbidden);
        await TicketClient.ExpectProblemAsync(await WatchAsync(Colleague, ticket.Id), HttpStatusCode.NotFound);
        Assert.That(await WatchersOf(ticket.Id), Is.Empty);

        await TicketClient.ExpectAsync(await WatchAsync(_given.ServiceDesk, ticket.Id, ColleagueId), HttpStatusCode.Created);
        await TicketClient.ExpectAsync(await WatchAsync(Colleague, ticket.Id), HttpStatusCode.OK);
        await TicketClient.ExpectProblemAsync(await _given.Requester.Http.DeleteAsync($"/api/v1/tickets/{ticket.Id}/watchers/{ColleagueId}"), HttpStatusCode.Forbidden);
        Assert.That(await WatchersOf(ticket.Id), Is.EqualTo(new[] { ColleagueId }));

        await TicketClient.ExpectAsync(await Colleague.Http.DeleteAsync($"/api/v1/tickets/{ticket.Id}/watchers/{ColleagueId}"), HttpStatusCode.NoContent);

        Assert.That(await WatchersOf(ticket.Id), Is.Empty);
        await TicketClient.ExpectProblemAsync(await Colleague.GetAsync(ticket.Id), HttpStatusCode.NotFound);
    }

    [TestCase("zj-requester", TestName = "Watcher_OfAnotherProvince_Is422")]
    [TestCase("hq-approver", TestName = "Watcher_AboveTheTicketsUnit_Is422")]
    [TestCase("hq-integration", TestName = "Watcher_NotAPerson_Is422")]
    [TestCase("no-such-user", TestName = "Watcher_WhoDoesNotExist_Is422")]
    public async Task Watcher_OutsideTheTicketsUnitSubtree_IsRefusedAndChangesNothing(string user)
    {
        var ticket = await _given.Requester.CreateAsync();

        await TicketClient.ExpectProblemAsync(await WatchAsync(_given.ServiceDesk, ticket.Id, user), HttpStatusCode.UnprocessableEntity);

        Assert.That(await WatchersOf(ticket.Id), Is.Empty);
        Assert.That((await HistoryAsync(ticket.Id)).Count, Is.EqualTo(1));
        Assert.That(await ETagOf(ticket.Id), Is.EqualTo("\"1\""));
    }

    [Test]
    public async Task Watchers_OfATicketOutsideTheCallersScope_Are404()
    {
        var ticket = await _given.Requester.CreateAsync();
        using var zjDesk = _app.As(Keys.ZjServiceDesk);

        await TicketClient.ExpectProblemAsync(await WatchAsync(zjDesk, ticket.Id), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await zjDesk.Http.GetAsync($"/api/v1/tickets/{ticket.Id}/watchers"), HttpStatusCode.NotFound);
    }
}
