using System.Diagnostics.Metrics;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Telemetry;

/// <summary>
/// The outbox backlog as gauges on the <c>Itsm</c> meter: <c>itsm.outbox.pending</c> and <c>itsm.outbox.oldest_age_seconds</c>.
/// Read only when a collector asks (a scrape, an export), at most once per <see cref="FreshFor"/>: collectors call gauges
/// synchronously, so a reading blocks the collector's thread for two small aggregates now and then, never a request.
/// A hosted service only so that the gauges exist from the start.
/// </summary>
public sealed class OutboxGauges : IHostedService
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);
    private readonly DeliveryHealth _health;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboxGauges> _logger;
    private readonly Lock _reading = new();
    private Reading? _last;

    private sealed record Reading(long Pending, DateTimeOffset? OldestPendingAt, DateTimeOffset ReadAt);

    public OutboxGauges(ItsmMetrics metrics, DeliveryHealth health, TimeProvider clock, ILogger<OutboxGauges> logger)
    {
        (_health, _clock, _logger) = (health, clock, logger);
        metrics.Meter.CreateObservableGauge("itsm.outbox.pending", () => Observe(r => r.Pending), "{delivery}",
            "Webhook deliveries waiting for their (next) attempt.");
        metrics.Meter.CreateObservableGauge("itsm.outbox.oldest_age_seconds",
            () => Observe(r => r.OldestPendingAt is { } at ? Math.Max((_clock.GetUtcNow() - at).TotalSeconds, 0) : 0), "s",
            "Age of the oldest pending webhook delivery (0 when none is pending).");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<Measurement<T>> Observe<T>(Func<Reading, T> value) where T : struct =>
        Current() is { } reading ? [new Measurement<T>(value(reading))] : [];

    private Reading? Current()
    {
        lock (_reading)
        {
            var now = _clock.GetUtcNow();
            if (_last is { } last && now - last.ReadAt < FreshFor && now >= last.ReadAt) return last;
            try
            {
                using var timeout = new CancellationTokenSource(ReadTimeout);
                var (pending, oldest) = _health.BacklogAsync(timeout.Token).GetAwaiter().GetResult();
                return _last = new Reading(pending, oldest, now);
            }
            catch (Exception e)
            {
                // No reading rather than a stale one shown as current; the database's own health is readiness's business.
                _logger.LogDebug(e, "Outbox gauges: the backlog could not be read");
                return null;
            }
        }
    }
}
