using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sla;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.ServiceLevels;

/// <summary>
/// A resolved change never closes itself: when its confirmation window passes without an evaluation, the unit's IT
/// managers and the department's approvers are told, once, whatever the number of scheduler passes or instances.
/// </summary>
[TestFixture]
public sealed class EvaluationOverdueTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private ItsmApp _app = null!;
    private Province _js = null!;

    [SetUp]
    public void StartApp() => _js = new Province(_app = new ItsmApp(), "JS");

    [TearDown]
    public void StopApp()
    {
        _js.Dispose();
        _app.Dispose();
    }

    private Task<SchedulerPass> PassAsync() => _app.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None);

    private async Task<int> HistoryCount(long id, string action) =>
        (await _js.ItManager.GetJsonAsync($"/api/v1/tickets/{id}/history?limit=200"))["items"]!.AsArray()
            .Count(h => h!["action"]!.GetValue<string>() == action);

    private static async Task<List<JsonNode>> NoticesAsync(TicketClient caller, long ticketId) =>
        (await caller.GetJsonAsync("/api/v1/notifications?limit=200"))["items"]!.AsArray()
            .Where(n => n!["ticketId"]!.GetValue<long>() == ticketId && n["type"]!.GetValue<string>() == "evaluation.overdue").Select(n => n!).ToList();

    [Test]
    public async Task ResolvedChange_IsNotAutoClosedAndItsOverdueEvaluationIsNotifiedOnce()
    {
        var change = await _js.TicketIn(TicketStatus.Resolved, Category.DataChange);
        var ordinary = await _js.TicketIn(TicketStatus.Resolved);
        Assert.That(change.Resolution!.ConfirmationDue, Is.EqualTo(new DateTimeOffset(2026, 12, 8, 9, 0, 0, China)));

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 8, 59, 0, China));
        Assert.That((await PassAsync()).EvaluationsOverdue, Is.EqualTo(0), "not before the window has passed");
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 9, 1, 0, China));
        var first = await PassAsync();
        _app.Clock.Advance(TimeSpan.FromDays(3));
        var later = new[] { await PassAsync(), await PassAsync() };
        // Another instance (or the service after a restart) once the lease has lapsed.
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        var other = await ActivatorUtilities.CreateInstance<SlaScheduler>(_app.Services).RunPassAsync(CancellationToken.None);

        Assert.That((first.AutoClosed, first.EvaluationsOverdue), Is.EqualTo((1, 1)), "the ordinary ticket closes; the change is notified");
        Assert.That(later.Concat([other]).Select(p => (p.AutoClosed, p.EvaluationsOverdue)), Is.All.EqualTo((0, 0)));
        Assert.That(other.Leased, Is.True);
        Assert.That((await _js.ItManager.GetTicketAsync(ordinary.Id)).Outcome, Is.EqualTo(ClosureOutcome.AutoClosed));
        var seen = await _js.ItManager.GetTicketAsync(change.Id);
        Assert.That((seen.Status, seen.Version), Is.EqualTo((TicketStatus.Resolved, change.Version)), "still awaiting evaluation; the note is no new version");
        Assert.That(seen.Evaluation!.OverdueNotifiedAt, Is.EqualTo(new DateTimeOffset(2026, 12, 8, 9, 1, 0, China)));
        Assert.That(await HistoryCount(change.Id, "evaluation.overdue"), Is.EqualTo(1));
        Assert.That(await HistoryCount(change.Id, "auto-close"), Is.EqualTo(0));

        using var hqManager = _app.As(Keys.HqItManager);
        using var zjApprover = _app.As(Keys.ZjApprover);
        Assert.That((await NoticesAsync(_js.ItManager, change.Id)).Count, Is.EqualTo(1), "the unit's IT managers");
        Assert.That((await NoticesAsync(hqManager, change.Id)).Count, Is.EqualTo(1), "and those above it");
        Assert.That((await NoticesAsync(_js.Approver, change.Id)).Count, Is.EqualTo(1), "the approvers who evaluate it");
        Assert.That(await NoticesAsync(zjApprover, change.Id), Is.Empty, "not another province's approvers");
        Assert.That(await NoticesAsync(_js.ServiceDesk, change.Id), Is.Empty);

        var evaluated = await _js.Approver.ActOkAsync(change.Id, "confirm", new { effective = true }, seen.Version);
        Assert.That(evaluated.Status, Is.EqualTo(TicketStatus.Closed), "an overdue evaluation may still be given");
    }

    [Test]
    public async Task ChangeResolvedAgain_IsNotifiedAgainForItsNewWindow()
    {
        var change = await _js.TicketIn(TicketStatus.Resolved, Category.ConfigurationChange);
        _app.Clock.Advance(TimeSpan.FromDays(8));
        await PassAsync();
        var back = await _js.Approver.ActOkAsync(change.Id, "confirm", new { effective = false, comment = "Still wrong" });
        var pending = await _js.Engineer.ActOkAsync(change.Id, "request-approval", Given.Plan, back.Version);
        var approved = await _js.Approver.ActOkAsync(change.Id, "approve", null, pending.Version);
        var resolved = await _js.Engineer.ActOkAsync(change.Id, "resolve", Province.ResolveBody(Category.ConfigurationChange), approved.Version);
        Assert.That(resolved.Evaluation!.OverdueNotifiedAt, Is.Null, "a new window");

        _app.Clock.Advance(TimeSpan.FromDays(8));
        var pass = await PassAsync();

        Assert.That(pass.EvaluationsOverdue, Is.EqualTo(1));
        Assert.That(await HistoryCount(change.Id, "evaluation.overdue"), Is.EqualTo(2));
    }

    [Test]
    public async Task OverdueEvaluation_IsPublishedAsAWebhookEvent()
    {
        var receiver = WireMockServer.Start();
        try
        {
            receiver.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
            var subscribed = await _js.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url + "/hook", events = new[] { "ticket.evaluation_overdue" } });
            await TicketClient.ExpectAsync(subscribed, HttpStatusCode.Created);
            var change = await _js.TicketIn(TicketStatus.Resolved, Category.AccountPermission);
            _app.Clock.Advance(TimeSpan.FromDays(8));
            await PassAsync();
            await PassAsync();

            var dispatcher = _app.Services.GetRequiredService<OutboxDispatcher>();
            await dispatcher.RunPassAsync(CancellationToken.None);
            await dispatcher.RunPassAsync(CancellationToken.None);

            var events = receiver.LogEntries.Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).ToList();
            Assert.That(events.Select(e => (e["type"]!.GetValue<string>(), e["ticket"]!["id"]!.GetValue<long>(), e["actor"]!.GetValue<string>())),
                Is.EqualTo(new[] { ("ticket.evaluation_overdue", change.Id, "system") }));
            Assert.That(events[0]["details"]!["confirmationDue"], Is.Not.Null);
        }
        finally
        {
            receiver.Stop();
        }
    }
}
