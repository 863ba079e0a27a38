using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Telemetry;

/// <summary>
/// The service's own metrics after work done through the API. Each test reads its own host's meter (made by that host's
/// <see cref="IMeterFactory"/>), so tests running beside it cannot change its counts.
/// </summary>
[TestFixture]
public sealed class MetricsTests
{
    private WireMockServer _outside = null!;
    private ItsmApp _app = null!;
    private Given _given = null!;

    [SetUp]
    public void Start()
    {
        _outside = WireMockServer.Start();
        _given = new Given(_app = new ItsmApp(new Dictionary<string, string?>
        {
            ["Hq:BaseUrl"] = _outside.Url + "/hq",
            ["Hq:ApiKey"] = "hq-secret-token",
            ["Hq:CallbackSecret"] = HqSystem.CallbackSecret,
            ["Hq:Retries"] = "0",
            ["Outbox:Retry:MaxAttempts"] = "5",
        }));
    }

    [TearDown]
    public void Stop()
    {
        _given.Dispose();
        _app.Dispose();
        _outside.Stop();
    }

    private MetricCollector<T> Collect<T>(string instrument) where T : struct =>
        new(_app.Services.GetRequiredService<IMeterFactory>(), ItsmMetrics.MeterName, instrument);

    private static Dictionary<string, long> CountBy(MetricCollector<long> collector, string tag) =>
        collector.GetMeasurementSnapshot().GroupBy(m => m.Tags[tag]?.ToString() ?? "").ToDictionary(g => g.Key, g => g.Sum(m => m.Value));

    private Task<DispatchPass> DispatchAsync() => _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);

    private void Answer(string path, int status) =>
        _outside.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody("""{"reference": "HQ-1"}"""));

    private int Requests(string path) => _outside.LogEntries.Count(e => e.RequestMessage.Path == path);

    private async Task SubscribeAsync(string path)
    {
        var response = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = _outside.Url + path, events = new[] { "ticket.created" } });
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
    }

    [Test]
    public async Task TicketLifecycle_IsCountedAsOneCreationAndItsActions()
    {
        using var created = Collect<long>("itsm.tickets.created");
        using var transitions = Collect<long>("itsm.tickets.transitions");

        var ticket = await _given.TicketIn(TicketStatus.Resolved);
        await _given.Requester.ActOkAsync(ticket.Id, "reopen", new { reason = "Still fails" });

        Assert.That(created.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(1));
        Assert.That(CountBy(transitions, "action"),
            Is.EquivalentTo(new Dictionary<string, long> { ["triage"] = 1, ["start"] = 1, ["resolve"] = 1, ["reopen"] = 1 }));
    }

    [Test]
    public async Task Comment_IsCountedAsAnAction()
    {
        var ticket = await _given.Requester.CreateAsync();
        using var transitions = Collect<long>("itsm.tickets.transitions");

        await TicketClient.ExpectAsync(await _given.Requester.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments",
            new { body = "Still failing" }), HttpStatusCode.Created);

        Assert.That(CountBy(transitions, "action"), Is.EquivalentTo(new Dictionary<string, long> { ["comment"] = 1 }));
    }

    [Test]
    public async Task RefusedOrStaleAction_IsNotCounted()
    {
        var ticket = await _given.Requester.CreateAsync();
        using var transitions = Collect<long>("itsm.tickets.transitions");

        var refused = await _given.Requester.ActAsync(ticket.Id, "start");
        var stale = await _given.ServiceDesk.ActAsync(ticket.Id, "triage", new { group = "JS-L2SYS" }, version: ticket.Version + 5);

        Assert.That((refused.IsSuccessStatusCode, stale.StatusCode), Is.EqualTo((false, HttpStatusCode.PreconditionFailed)));
        Assert.That(transitions.GetMeasurementSnapshot(), Is.Empty);
    }

    [Test]
    public async Task ResponseTargetMissed_CountsOneBreachOfTheResponseClock()
    {
        await _given.Requester.CreateAsync();
        using var breaches = Collect<long>("itsm.sla.breaches");

        // Raised Tuesday 09:00 in Shanghai: the response is due at 14:30.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 14, 31, 0, TimeSpan.FromHours(8)));
        var scheduler = _app.Services.GetRequiredService<SlaScheduler>();
        await scheduler.RunPassAsync(CancellationToken.None);
        await scheduler.RunPassAsync(CancellationToken.None);

        Assert.That(CountBy(breaches, "clock"), Is.EquivalentTo(new Dictionary<string, long> { ["Response"] = 1 }));
    }

    [Test]
    public async Task WebhookDeliveries_AreCountedByOutcome_AndTheBacklogIsGauged()
    {
        Answer("/ok", 200);
        Answer("/down", 503);
        await SubscribeAsync("/ok");
        await SubscribeAsync("/down");
        using var deliveries = Collect<long>("itsm.webhook.deliveries");
        using var pending = Collect<long>("itsm.outbox.pending");
        using var oldest = Collect<double>("itsm.outbox.oldest_age_seconds");
        await _given.Requester.CreateAsync();
        await _given.Requester.CreateAsync();

        await DispatchAsync();
        _app.Clock.Advance(TimeSpan.FromSeconds(30));
        pending.RecordObservableInstruments();
        oldest.RecordObservableInstruments();

        // A failing receiver rests for the rest of the pass, so it may have been tried once or twice.
        Assert.That((Requests("/ok"), Requests("/down")), Is.EqualTo((2, 2)).Or.EqualTo((2, 1)));
        Assert.That(CountBy(deliveries, "outcome"),
            Is.EquivalentTo(new Dictionary<string, long> { ["delivered"] = 2, ["retry"] = Requests("/down") }));
        Assert.That(pending.LastMeasurement?.Value, Is.EqualTo(2));
        Assert.That(oldest.LastMeasurement?.Value, Is.EqualTo(30).Within(0.001));
    }

    [Test]
    public async Task EscalationSentToHq_IsCountedAsSent()
    {
        Answer("/hq/escalations", 201);
        using var escalations = Collect<long>("itsm.hq.escalations");
        await _given.TicketIn(TicketStatus.EscalatedToHq);

        await DispatchAsync();

        Assert.That(CountBy(escalations, "outcome"), Is.EquivalentTo(new Dictionary<string, long> { ["sent"] = 1 }));
    }

    [Test]
    public async Task EscalationRefusedByHq_IsCountedAsFailed()
    {
        Answer("/hq/escalations", 400);
        using var escalations = Collect<long>("itsm.hq.escalations");
        await _given.TicketIn(TicketStatus.EscalatedToHq);

        await DispatchAsync();

        Assert.That(CountBy(escalations, "outcome"), Is.EquivalentTo(new Dictionary<string, long> { ["failed"] = 1 }));
    }

    [Test]
    public async Task Commits_AreTimed()
    {
        using var commits = Collect<double>("itsm.db.commit.duration");

        await _given.Requester.CreateAsync();

        var measured = commits.GetMeasurementSnapshot();
        Assert.That(measured, Is.Not.Empty);
        Assert.That(measured.All(m => m.Value > 0 && m.Tags["provider"]?.ToString() == _app.Provider.ToString()), Is.True);
    }
}
