using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Outbox;

/// <summary>Every statement of the outbox and the webhook deliveries, for one dialect.</summary>
public sealed class OutboxSql(SqlDialect dialect)
{
    public const string InsertEvent = """
        INSERT INTO OutboxEvents (EventId, Type, TicketId, UnitPath, Payload, OccurredAt, Dispatched)
        VALUES (@EventId, @Type, @TicketId, @UnitPath, @Payload, @OccurredAt, 0)
        """;
    public const string MarkDispatched = "UPDATE OutboxEvents SET Dispatched = 1 WHERE Id IN @ids";
    public const string EnabledSubscriptions = "SELECT Id, UnitPath, EventTypes FROM WebhookSubscriptions WHERE Enabled = 1";
    public const string InsertDelivery = """
        INSERT INTO WebhookDeliveries (SubscriptionId, EventId, TicketId, State, Attempts, NextAttemptAt, CreatedAt)
        VALUES (@SubscriptionId, @EventId, @TicketId, 'Pending', 0, @Now, @Now)
        """;
    public const string Delivered = """
        UPDATE WebhookDeliveries SET State = 'Delivered', Attempts = Attempts + 1, LastStatus = @Status, LastError = NULL,
            NextAttemptAt = NULL, DeliveredAt = @Now
        WHERE Id = @Id AND State = 'Pending'
        """;
    public const string Retry = """
        UPDATE WebhookDeliveries SET State = @State, Attempts = Attempts + 1, LastStatus = @Status, LastError = @Error, NextAttemptAt = @Next
        WHERE Id = @Id AND State = 'Pending'
        """;
    public const string Replay = "UPDATE WebhookDeliveries SET State = 'Pending', NextAttemptAt = @Now WHERE Id = @Id AND SubscriptionId = @SubscriptionId";
    public const string Disable = "UPDATE WebhookSubscriptions SET Enabled = 0, DisabledReason = @Reason WHERE Id = @Id";
    public const string InsertSubscription = """
        INSERT INTO WebhookSubscriptions (Id, UnitId, UnitPath, Url, EventTypes, Secret, Enabled, CreatedBy, CreatedAt)
        VALUES (@Id, @UnitId, @UnitPath, @Url, @EventTypes, @Secret, 1, @CreatedBy, @CreatedAt)
        """;
    public const string UpdateSubscription = """
        UPDATE WebhookSubscriptions SET Url = @Url, EventTypes = @EventTypes, Enabled = @Enabled,
            DisabledReason = CASE WHEN @Enabled = 1 THEN NULL ELSE DisabledReason END
        WHERE Id = @Id
        """;
    public const string RotateSecret = """
        UPDATE WebhookSubscriptions SET PreviousSecret = Secret, PreviousSecretUntil = @Until, Secret = @Secret WHERE Id = @Id
        """;
    public const string DeleteSubscription = "DELETE FROM WebhookSubscriptions WHERE Id = @Id";
    public const string PendingCount = "SELECT COUNT(*) FROM WebhookDeliveries WHERE State = 'Pending'";
    public const string OldestPending = "SELECT MIN(CreatedAt) FROM WebhookDeliveries WHERE State = 'Pending'";
    public const string FailureCount = "SELECT COUNT(*) FROM WebhookDeliveries WHERE State IN ('Failed', 'DeadLetter')";
    public const string UndispatchedCount = "SELECT COUNT(*) FROM OutboxEvents WHERE Dispatched = 0";

    private const string SubscriptionColumns =
        "Id, UnitId, UnitPath, Url, EventTypes, Secret, PreviousSecret, PreviousSecretUntil, Enabled, DisabledReason, CreatedBy, CreatedAt";

    public const string Subscription = $"SELECT {SubscriptionColumns} FROM WebhookSubscriptions WHERE Id = @Id";
    public const string SubscriptionsInRange = $"SELECT {SubscriptionColumns} FROM WebhookSubscriptions WHERE UnitPath >= @From AND UnitPath < @To ORDER BY CreatedAt";

    public string Undispatched { get; } = dialect.Limit(
        "SELECT Id, EventId, Type, TicketId, UnitPath FROM OutboxEvents WHERE Dispatched = 0 ORDER BY Id", "@batch");

    /// <summary>Due deliveries, but for each subscription and ticket only the oldest pending one: events arrive in order per ticket.</summary>
    public string DueDeliveries { get; } = dialect.Limit("""
        SELECT d.Id, d.SubscriptionId, d.EventId, d.Attempts, e.Payload, s.Url, s.Secret, s.PreviousSecret, s.PreviousSecretUntil
        FROM WebhookDeliveries d
        JOIN OutboxEvents e ON e.EventId = d.EventId
        JOIN WebhookSubscriptions s ON s.Id = d.SubscriptionId AND s.Enabled = 1
        WHERE d.State = 'Pending' AND d.NextAttemptAt <= @now
          AND NOT EXISTS (SELECT 1 FROM WebhookDeliveries o
                          WHERE o.SubscriptionId = d.SubscriptionId AND o.TicketId = d.TicketId AND o.State = 'Pending' AND o.Id < d.Id)
        ORDER BY d.NextAttemptAt
        """, "@batch");

    public string Deliveries(bool before) => dialect.Limit(
        "SELECT d.Id, d.EventId, e.Type, d.State, d.Attempts, d.LastStatus, d.LastError, d.NextAttemptAt, d.CreatedAt, d.DeliveredAt " +
        "FROM WebhookDeliveries d JOIN OutboxEvents e ON e.EventId = d.EventId WHERE d.SubscriptionId = @SubscriptionId" +
        (before ? " AND d.Id < @Before" : "") + " ORDER BY d.Id DESC", "@Limit");

    public IEnumerable<string> All() =>
    [
        InsertEvent, MarkDispatched, EnabledSubscriptions, InsertDelivery, Delivered, Retry, Replay, Disable, InsertSubscription,
        UpdateSubscription, RotateSecret, DeleteSubscription, PendingCount, OldestPending, FailureCount, UndispatchedCount, Subscription,
        SubscriptionsInRange, Undispatched, DueDeliveries, Deliveries(false), Deliveries(true),
    ];
}
