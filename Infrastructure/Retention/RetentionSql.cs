using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Retention;

/// <summary>
/// Every statement of the retention purge, for one dialect; @before is the cut-off instant. Each deletes at most
/// <see cref="Batch"/> rows (the oldest first), so a large backlog is purged in short units of work that never hold the
/// writer or the tables for long.
/// </summary>
public sealed class RetentionSql(SqlDialect dialect)
{
    public const int Batch = 5000;

    /// <summary>Finished deliveries: delivered, failed or dead letters.</summary>
    public string Deliveries { get; } = BatchOf(dialect, "WebhookDeliveries", "State <> 'Pending' AND CreatedAt < @before");

    /// <summary>
    /// Dispatched events no delivery refers to any more (a delivery's payload, also a replayed one's, is read from its event)
    /// and no escalation may still send (queued, or failed and so retried by hand).
    /// </summary>
    public string DeliveredEvents { get; } = BatchOf(dialect, "OutboxEvents", """
        Dispatched = 1 AND OccurredAt < @before
          AND NOT EXISTS (SELECT 1 FROM WebhookDeliveries d WHERE d.EventId = o.EventId)
          AND NOT EXISTS (SELECT 1 FROM HqEscalations h WHERE h.EventId = o.EventId AND h.State IN ('Queued', 'Failed'))
        """);

    public string InboundEvents { get; } = BatchOf(dialect, "InboundEvents", "ReceivedAt < @before");

    public string Notifications { get; } = BatchOf(dialect, "Notifications", "CreatedAt < @before");

    public IEnumerable<string> All() => [Deliveries, DeliveredEvents, InboundEvents, Notifications];

    /// <summary>Deletes up to <see cref="Batch"/> rows of <paramref name="table"/> (aliased <c>o</c> in the condition) by their key.</summary>
    private static string BatchOf(SqlDialect dialect, string table, string condition) =>
        $"DELETE FROM {table} WHERE Id IN ({dialect.Limit($"SELECT o.Id FROM {table} o WHERE {condition} ORDER BY o.Id", Batch.ToString())})";
}
