using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Tickets;

[TestFixture]
public sealed class ConcurrencyAndHistoryTests : ApiFixture
{
    [Test, Repeat(5)]
    public async Task ParallelActions_WithTheSameETag_ExactlyOneWins()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        using var otherEngineer = _app.As(Keys.JsEngineer);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => i % 2 == 0
            ? _given.Engineer.ActAsync(ticket.Id, "hold", new { reason = "Waiting for the vendor" }, ticket.Version)
            : otherEngineer.ActAsync(ticket.Id, "resolve", new { code = "Fixed", resolution = "Done" }, ticket.Version))));

        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(1));
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await TicketClient.ExpectProblemAsync(loser, HttpStatusCode.PreconditionFailed);
        var after = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That(after.Version, Is.EqualTo(ticket.Version + 1));
        var history = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history"))["items"]!.AsArray();
        Assert.That(history.Count(h => h!["action"]!.GetValue<string>() is "hold" or "resolve"), Is.EqualTo(1));
    }

    [Test]
    public async Task Changes_TwoLoadedAtTheSameVersion_SavesOnlyTheFirstToSave()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        var changes = _app.Services.GetRequiredService<TicketChanges>();
        var engineer = new Actor("js-engineer", "JS engineer", "JS", "/HQ/JS/", new HashSet<Role> { Role.Engineer }, new HashSet<string> { "JS-L2SYS" });
        TicketChange? hold = null;

        // The resolve loads the ticket; before it saves, a hold loaded at the same version saves.
        var resolve = await changes.ApplyAsync(ticket.Id, engineer, TicketAction.Resolve, t => t.Version == ticket.Version, async (second, _, now) =>
        {
            hold = await changes.ApplyAsync(ticket.Id, engineer, TicketAction.Hold, t => t.Version == ticket.Version,
                (first, _, at) => Task.FromResult<object?>(first.Hold(engineer, at, "Waiting")), null, CancellationToken.None);
            return second.Resolve(engineer, now, ResolutionCode.Fixed, "Done", now.AddDays(7), Implementation.None);
        }, null, CancellationToken.None);

        Assert.That((hold?.Result, resolve.Result), Is.EqualTo(((ChangeResult?)ChangeResult.Saved, ChangeResult.Stale)));
        var stored = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That((stored.Status, stored.Version), Is.EqualTo((TicketStatus.OnHold, ticket.Version + 1)));
        var history = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history"))["items"]!.AsArray();
        Assert.That(history.Select(h => h!["action"]!.GetValue<string>()), Does.Not.Contain("resolve"));
    }

    [Test]
    public async Task Change_FoundStaleInTheWriter_TakesNoChangeSequence()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        var changes = _app.Services.GetRequiredService<TicketChanges>();
        var engineer = new Actor("js-engineer", "JS engineer", "JS", "/HQ/JS/", new HashSet<Role> { Role.Engineer }, new HashSet<string> { "JS-L2SYS" });

        var resolve = await changes.ApplyAsync(ticket.Id, engineer, TicketAction.Resolve, t => t.Version == ticket.Version, async (second, _, now) =>
        {
            await changes.ApplyAsync(ticket.Id, engineer, TicketAction.Hold, t => t.Version == ticket.Version,
                (first, _, at) => Task.FromResult<object?>(first.Hold(engineer, at, "Waiting")), null, CancellationToken.None);
            return second.Resolve(engineer, now, ResolutionCode.Fixed, "Done", now.AddDays(7), Implementation.None);
        }, null, CancellationToken.None);
        var held = await _given.ItManager.GetTicketAsync(ticket.Id);
        await _given.Engineer.ActOkAsync(ticket.Id, "resume");

        Assert.That(resolve.Result, Is.EqualTo(ChangeResult.Stale));
        Assert.That((await _given.ItManager.GetTicketAsync(ticket.Id)).ChangeSequence, Is.EqualTo(held.ChangeSequence + 1),
            "the next change follows the hold: the stale resolve's number went back with it");
    }

    [Test]
    public async Task Action_WithAStaleETag_Is412WithTheCurrentETag()
    {
        var ticket = await _given.TicketIn(TicketStatus.Triaged);

        var response = await _given.Engineer.ActAsync(ticket.Id, "start", null, ticket.Version - 1);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.That(response.Headers.ETag?.Tag, Is.EqualTo($"\"{ticket.Version}\""));
        Assert.That(problem["currentETag"]!.GetValue<string>(), Is.EqualTo($"\"{ticket.Version}\""));
        Assert.That((await _given.ItManager.GetTicketAsync(ticket.Id)).Status, Is.EqualTo(TicketStatus.Triaged));
    }

    [Test]
    public async Task WholeLifecycle_RecordsEveryChangeInHistory()
    {
        var ticket = await _given.Requester.CreateAsync(TicketClient.NewTicket("Reports are empty", Category.ConfigurationChange));
        var id = ticket.Id;
        await _given.ServiceDesk.ActOkAsync(id, "triage", new { group = "JS-L2BIZ", urgency = "High", note = "Month-end" });
        await _given.Engineer.ActOkAsync(id, "start");
        await _given.Engineer.ActOkAsync(id, "hold", new { reason = "Waiting for the user" });
        await _given.Engineer.ActOkAsync(id, "resume");
        await _given.Engineer.ActOkAsync(id, "request-approval", Given.Plan);
        await _given.Approver.ActOkAsync(id, "approve", new { comment = "ok" });
        await _given.Engineer.ActOkAsync(id, "escalate", new { reason = "Transport fails", whatWasTried = "Retried the transport" });
        await _given.HqEngineer.ActOkAsync(id, "hq-return", new { guidance = "Use transport route B" });
        await _given.Engineer.ActOkAsync(id, "reassign", new { group = "JS-L2SYS", reason = "Transport is system O&M" });
        await _given.Engineer.ActOkAsync(id, "resolve", Given.ConfigurationChangeResolved("Configured"));
        await _given.Requester.ActOkAsync(id, "reopen", new { reason = "Still empty" });
        await _given.Engineer.ActOkAsync(id, "request-approval", Given.Plan);
        await _given.Approver.ActOkAsync(id, "approve", new { comment = "again" });
        await _given.Engineer.ActOkAsync(id, "resolve", Given.ConfigurationChangeResolved("Configured again"));
        var closed = await _given.Approver.ActOkAsync(id, "confirm", new { effective = true, satisfaction = 5 });

        var history = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{id}/history"))["items"]!.AsArray();

        var rows = history.Select(h => (h!["action"]!.GetValue<string>(), h["from"]?.GetValue<string>(), h["to"]!.GetValue<string>())).ToList();
        Assert.That(rows, Is.EqualTo(new (string, string?, string)[]
        {
            ("request", null, "New"), ("triage", "New", "Triaged"), ("start", "Triaged", "InProgress"), ("hold", "InProgress", "OnHold"),
            ("resume", "OnHold", "InProgress"), ("request-approval", "InProgress", "PendingApproval"), ("approve", "PendingApproval", "InProgress"),
            ("escalate", "InProgress", "EscalatedToHq"), ("hq-return", "EscalatedToHq", "InProgress"), ("reassign", "InProgress", "InProgress"),
            ("resolve", "InProgress", "Resolved"), ("reopen", "Resolved", "InProgress"),
            ("request-approval", "InProgress", "PendingApproval"), ("approve", "PendingApproval", "InProgress"), ("resolve", "InProgress", "Resolved"),
            ("confirm", "Resolved", "Closed"),
        }));
        Assert.That(history.Select(h => h!["actor"]!.GetValue<string>()), Is.EqualTo(new[]
        {
            "js-requester", "js-servicedesk", "js-engineer", "js-engineer", "js-engineer", "js-engineer", "js-approver",
            "js-engineer", "hq-engineer", "js-engineer", "js-engineer", "js-requester", "js-engineer", "js-approver", "js-engineer",
            "js-approver",
        }));
        Assert.That(history[1]!["details"]!["priority"]!.GetValue<string>(), Is.EqualTo("P2"), "Individual × High");
        Assert.That(history[7]!["details"]!["whatWasTried"]!.GetValue<string>(), Is.EqualTo("Retried the transport"));
        Assert.That(history[9]!["details"]!["fromGroup"]!.GetValue<string>(), Is.EqualTo("JS-L2BIZ"));
        Assert.That(history.Select(h => h!["at"]!.GetValue<DateTimeOffset>()), Is.Ordered);
        Assert.That((closed.Status, closed.Outcome, closed.Version), Is.EqualTo((TicketStatus.Closed, (ClosureOutcome?)ClosureOutcome.Resolved, 16)));
    }

    [Test]
    public async Task InternalNotes_AreHiddenFromTheRequester()
    {
        var ticket = await _given.Requester.CreateAsync();
        await _given.Engineer.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = "Vendor says it is a known bug", visibility = "Internal" });
        var created = await _given.Requester.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = "It fails again today" });
        await TicketClient.ExpectAsync(created, HttpStatusCode.Created);

        var staffView = (await _given.Engineer.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/comments"))["items"]!.AsArray();
        var requesterView = (await _given.Requester.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/comments"))["items"]!.AsArray();
        var requesterHistory = (await _given.Requester.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history"))["items"]!.AsArray();
        var staffHistory = (await _given.Engineer.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history"))["items"]!.AsArray();

        Assert.That(staffView.Select(c => c!["visibility"]!.GetValue<string>()), Is.EqualTo(new[] { "Internal", "Public" }));
        Assert.That(requesterView.Select(c => c!["body"]!.GetValue<string>()), Is.EqualTo(new[] { "It fails again today" }));
        Assert.That(staffHistory.Count(h => h!["action"]!.GetValue<string>() == "comment"), Is.EqualTo(2));
        Assert.That(requesterHistory.Count(h => h!["action"]!.GetValue<string>() == "comment"), Is.EqualTo(1));
        Assert.That((await _given.Requester.GetTicketAsync(ticket.Id)).Version, Is.EqualTo(1), "comments do not change the version");
    }

    [Test]
    public async Task Create_Returns201WithLocationETagNumberAndPriority()
    {
        var response = await _given.Requester.Http.PostAsJsonAsync("/api/v1/tickets",
            TicketClient.NewTicket(impact: Impact.Enterprise, urgency: Urgency.High));

        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        var ticket = (await response.Content.ReadFromJsonAsync<TicketResponse>(TicketClient.Json))!;
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/tickets/{ticket.Id}"));
        Assert.That(response.Headers.ETag?.Tag, Is.EqualTo("\"1\""));
        Assert.That(ticket.Number, Does.Match(@"^JS-2026-\d{6}$"));
        Assert.That((ticket.Status, ticket.Priority), Is.EqualTo((TicketStatus.New, Priority.P1)));
        Assert.That(ticket.AllowedActions, Is.EquivalentTo(new[] { "cancel", "comment", "edit" }));
    }

    [Test]
    public async Task Numbers_AreSequentialPerUnit()
    {
        var first = await _given.Requester.CreateAsync();
        var second = await _given.Requester.CreateAsync();
        using var zj = _app.As(Keys.ZjRequester);
        var zjTicket = await zj.CreateAsync();

        Assert.That(int.Parse(second.Number[^6..]), Is.EqualTo(int.Parse(first.Number[^6..]) + 1));
        Assert.That(zjTicket.Number, Is.EqualTo("ZJ-2026-000001"));
    }
}
