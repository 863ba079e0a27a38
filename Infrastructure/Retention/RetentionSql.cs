namespace Itsm.Infrastructure.Retention;

/// <summary>Every statement of the retention purge (the same text for both dialects); @before is the cut-off instant.</summary>
public static class RetentionSql
{
    /// <summary>Finished deliveries: delivered, failed or dead letters.</summary>
    public const string Deliveries = "DELETE FROM WebhookDeliveries WHERE State <> 'Pending' AND CreatedAt < @before";

    /// <summary>
    /// Dispatched events no delivery refers to any more (a delivery's payload, also a replayed one's, is read from its event)
    /// and no escalation may still send (queued, or failed and so retried by hand).
    /// </summary>
    public const string DeliveredEvents = """
        DELETE FROM OutboxEvents
        WHERE Dispatched = 1 AND OccurredAt < @before
          AND NOT EXISTS (SELECT 1 FROM WebhookDeliveries d WHERE d.EventId = OutboxEvents.EventId)
          AND NOT EXISTS (SELECT 1 FROM HqEscalations h WHERE h.EventId = OutboxEvents.EventId AND h.State IN ('Queued', 'Failed'))
        """;

    public const string InboundEvents = "DELETE FROM InboundEvents WHERE ReceivedAt < @before";

    public const string Notifications = "DELETE FROM Notifications WHERE CreatedAt < @before";

    public static IEnumerable<string> All() => [Deliveries, DeliveredEvents, InboundEvents, Notifications];
}
