using System.Diagnostics.Metrics;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Hq;
using Itsm.Infrastructure.Webhooks;

namespace Itsm.Infrastructure.Telemetry;

/// <summary>
/// The service's own measurements, on the meter <c>Itsm</c>. The meter comes from the host's <see cref="IMeterFactory"/>, so
/// each host (and each test's host) has its own instance. Everything is counted after its commit, never before.
/// </summary>
public sealed class ItsmMetrics
{
    public const string MeterName = "Itsm";

    private readonly Counter<long> _ticketsCreated;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _slaBreaches;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Counter<long> _hqEscalations;
    private readonly Counter<long> _emailsSent;
    private readonly Histogram<double> _commitDuration;

    public ItsmMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _ticketsCreated = Meter.CreateCounter<long>("itsm.tickets.created", "{ticket}", "Tickets raised.");
        _transitions = Meter.CreateCounter<long>("itsm.tickets.transitions", "{action}", "Workflow actions applied to tickets, by action.");
        _slaBreaches = Meter.CreateCounter<long>("itsm.sla.breaches", "{breach}", "Service-level targets breached, by clock.");
        _webhookDeliveries = Meter.CreateCounter<long>("itsm.webhook.deliveries", "{attempt}", "Webhook delivery attempts, by outcome.");
        _hqEscalations = Meter.CreateCounter<long>("itsm.hq.escalations", "{attempt}", "Attempts to send an escalation to HQ, by outcome.");
        _emailsSent = Meter.CreateCounter<long>("itsm.email.sent", "{attempt}", "Attempts to send a notification by e-mail, by outcome (sent, retry, failed).");
        _commitDuration = Meter.CreateHistogram<double>("itsm.db.commit.duration", "s", "How long the database took to commit a transaction.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    }

    /// <summary>This host's meter (other instruments, such as the outbox gauges, join it).</summary>
    public Meter Meter { get; }

    public void TicketCreated() => _ticketsCreated.Add(1);

    /// <summary>A saved change's new history: each workflow action is a transition, each <c>sla.breached</c> a breach.</summary>
    public void Changed(IEnumerable<HistoryEntry> history)
    {
        foreach (var entry in history)
        {
            if (entry.Action == SlaEventType.Breached.Name())
                _slaBreaches.Add(1, new KeyValuePair<string, object?>("clock", entry.Details.GetValueOrDefault("clock")));
            else if (TicketActionNames.TryParse(entry.Action, out var action) && action != TicketAction.Request)
                _transitions.Add(1, new KeyValuePair<string, object?>("action", entry.Action));
        }
    }

    /// <summary>An attempt's outcome, by the state it left the delivery in.</summary>
    public void WebhookDelivery(WebhookDeliveryState state) =>
        _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", state switch
        {
            WebhookDeliveryState.Delivered => "delivered",
            WebhookDeliveryState.Failed => "gone",
            WebhookDeliveryState.DeadLetter => "dead_letter",
            _ => "retry",
        }));

    /// <summary>An attempt to send an escalation: sent, failed for good (refused or out of attempts), or to be retried.</summary>
    public void HqEscalation(HqOutcome outcome, bool failed) =>
        _hqEscalations.Add(1, new KeyValuePair<string, object?>("outcome", outcome == HqOutcome.Sent ? "sent" : failed ? "failed" : "retry"));

    public void EmailSent(string outcome) => _emailsSent.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Committed(TimeSpan took, string provider) =>
        _commitDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("provider", provider));
}
