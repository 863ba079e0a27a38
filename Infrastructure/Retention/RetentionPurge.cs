using Itsm.Infrastructure.Idempotency;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Options;

namespace Itsm.Infrastructure.Retention;

/// <summary>Configuration section <c>Retention</c>: how many days finished records are kept.</summary>
public sealed class RetentionOptions
{
    /// <summary>Outbox events whose deliveries are done (delivered, failed or dead letters, and sent to HQ).</summary>
    public int DeliveredEventsDays { get; set; } = 30;

    /// <summary>Finished webhook deliveries (delivered, failed, dead letters).</summary>
    public int DeliveriesDays { get; set; } = 30;

    /// <summary>Ids of events received from HQ (kept to apply each event once; HQ retries within hours).</summary>
    public int InboundEventsDays { get; set; } = 30;

    /// <summary>Notifications (they have no read state: they are kept this long, read or not).</summary>
    public int NotificationsDays { get; set; } = 90;
}

public sealed record PurgeResult(int Deliveries, int DeliveredEvents, int InboundEvents, int Notifications, int IdempotencyKeys);

/// <summary>Deletes what has passed its retention: finished deliveries and events, HQ's event ids, notifications, idempotency keys.</summary>
public sealed class RetentionPurge(Database database, IdempotencyStore idempotency, IOptions<RetentionOptions> options)
{
    private readonly RetentionSql _sql = new(database.Dialect);

    /// <summary>
    /// Purges in batches of <see cref="RetentionSql.Batch"/>; <paramref name="stillHolding"/> is asked between batches
    /// (the job's lease), and the purge stops where it is once it says no.
    /// </summary>
    public async Task<PurgeResult> PurgeAsync(DateTimeOffset now, CancellationToken ct, Func<CancellationToken, Task<bool>>? stillHolding = null)
    {
        var o = options.Value;
        Task<int> Delete(string sql, DateTimeOffset before) => database.DeleteInBatchesAsync(sql, new { before }, RetentionSql.Batch, ct, stillHolding);
        // Deliveries first: an event goes once no pending delivery needs it.
        var deliveries = await Delete(_sql.Deliveries, now.AddDays(-o.DeliveriesDays));
        var events = await Delete(_sql.DeliveredEvents, now.AddDays(-o.DeliveredEventsDays));
        var inbound = await Delete(_sql.InboundEvents, now.AddDays(-o.InboundEventsDays));
        var notifications = await Delete(_sql.Notifications, now.AddDays(-o.NotificationsDays));
        var keys = await idempotency.PurgeExpiredAsync(now, ct);
        return new PurgeResult(deliveries, events, inbound, notifications, keys);
    }
}
