using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Outbox;

/// <summary>Every statement of the outbox and the webhook deliveries, for one dialect.</summary>
public sealed class OutboxSql(SqlDialect dialect)
{
    public const string InsertEvent = """
        INSERT INTO OutboxEvents (EventId, Type, TicketId, InspectionRunId, Subject, UnitPath, Payload, OccurredAt, Dispatched)
        VALUES (@EventId, @Type, @TicketId, @InspectionRunId, @Subject, @UnitPath, @Payload, @OccurredAt, 0)
        """;
    public const string MarkDispatched = "UPDATE OutboxEvents SET Dispatched = 1 WHERE Id IN @ids";
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
    /// <summary>Adds a subscription unless its unit already has @Max of them.</summary>
    public const string InsertSubscription = """
        INSERT INTO WebhookSubscriptions (Id, UnitId, UnitPath, Url, EventTypes, Secret, Enabled, CreatedBy, CreatedAt)
        SELECT @Id, @UnitId, @UnitPath, @Url, @EventTypes, @Secret, 1, @CreatedBy, @CreatedAt
        WHERE (SELECT COUNT(*) FROM WebhookSubscriptions WHERE UnitId = @UnitId) < @Max
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

    // Delivery health within a scope (@From, @To: a unit subtree's path range): events, deliveries and escalations of its
    // tickets, and its units' subscriptions.
    public const string UndispatchedCount = "SELECT COUNT(*) FROM OutboxEvents WHERE Dispatched = 0 AND UnitPath >= @From AND UnitPath < @To";
    public const string PendingCount = """
        SELECT COUNT(*) FROM WebhookDeliveries d JOIN Tickets t ON t.Id = d.TicketId
        WHERE d.State = 'Pending' AND t.UnitPath >= @From AND t.UnitPath < @To
        """;
    public const string OldestPending = """
        SELECT MIN(d.CreatedAt) FROM WebhookDeliveries d JOIN Tickets t ON t.Id = d.TicketId
        WHERE d.State = 'Pending' AND t.UnitPath >= @From AND t.UnitPath < @To
        """;
    public const string FailureCount = """
        SELECT COUNT(*) FROM WebhookDeliveries d JOIN Tickets t ON t.Id = d.TicketId
        WHERE d.State IN ('Failed', 'DeadLetter') AND t.UnitPath >= @From AND t.UnitPath < @To
        """;
    public const string EscalationCount = """
        SELECT COUNT(*) FROM HqEscalations h JOIN Tickets t ON t.Id = h.TicketId
        WHERE h.State = @State AND t.UnitPath >= @From AND t.UnitPath < @To
        """;
    public const string SubscriptionBacklogs = """
        SELECT s.Id, s.UnitId, s.Enabled, COUNT(d.Id) AS PendingDeliveries, MIN(d.CreatedAt) AS OldestPendingAt
        FROM WebhookSubscriptions s LEFT JOIN WebhookDeliveries d ON d.SubscriptionId = s.Id AND d.State = 'Pending'
        WHERE s.UnitPath >= @From AND s.UnitPath < @To
        GROUP BY s.Id, s.UnitId, s.Enabled
        ORDER BY s.Id
        """;

    private const string SubscriptionColumns =
        "Id, UnitId, UnitPath, Url, EventTypes, Secret, PreviousSecret, PreviousSecretUntil, Enabled, DisabledReason, CreatedBy, CreatedAt";

    public const string Subscription = $"SELECT {SubscriptionColumns} FROM WebhookSubscriptions WHERE Id = @Id";
    public const string SubscriptionsInRange = $"SELECT {SubscriptionColumns} FROM WebhookSubscriptions WHERE UnitPath >= @From AND UnitPath < @To ORDER BY CreatedAt";

    public string Undispatched { get; } = dialect.Limit("SELECT Id FROM OutboxEvents WHERE Dispatched = 0 ORDER BY Id", "@batch");

    /// <summary>
    /// Fans a batch of events (@ids) out to every enabled subscription that wants them, in one statement: a subscription
    /// wants an event of its unit subtree whose type it lists (or <c>*</c>). Rows go in event order, so delivery ids follow it.
    /// </summary>
    public string FanOut { get; } = $"""
        INSERT INTO WebhookDeliveries (SubscriptionId, EventId, TicketId, State, Attempts, NextAttemptAt, CreatedAt)
        SELECT s.Id, e.EventId, e.TicketId, 'Pending', 0, @Now, @Now
        FROM OutboxEvents e
        JOIN WebhookSubscriptions s ON s.Enabled = 1
            AND {(dialect.Provider == DatabaseProvider.SqlServer ? "LEFT(e.UnitPath, LEN(s.UnitPath))" : "substr(e.UnitPath, 1, length(s.UnitPath))")} = s.UnitPath
            AND (s.EventTypes = '*' OR {(dialect.Provider == DatabaseProvider.SqlServer
                ? "CHARINDEX(N',' + e.Type + N',', N',' + s.EventTypes + N',') > 0"
                : "instr(',' || s.EventTypes || ',', ',' || e.Type || ',') > 0")})
        WHERE e.Id IN @ids
          AND NOT EXISTS (SELECT 1 FROM WebhookDeliveries d WHERE d.SubscriptionId = s.Id AND d.EventId = e.EventId)
        ORDER BY e.Id, s.Id
        """;

    /// <summary>Queues the batch's escalations (@ids) for the HQ system, in one statement.</summary>
    public const string QueueEscalations = """
        INSERT INTO HqEscalations (EventId, TicketId, State, Attempts, NextAttemptAt, CreatedAt, UpdatedAt)
        SELECT e.EventId, e.TicketId, 'Queued', 0, @Now, @Now, @Now
        FROM OutboxEvents e
        WHERE e.Id IN @ids AND e.Type = 'ticket.escalated'
          AND NOT EXISTS (SELECT 1 FROM HqEscalations h WHERE h.EventId = e.EventId)
        ORDER BY e.Id
        """;

    /// <summary>
    /// Due deliveries, fairly: each subscription's turn is numbered, and a round takes turn 1 of every subscription before
    /// anyone's turn 2, at most @perSubscription each, so a slow receiver's backlog never fills a round. For each subscription
    /// and ticket only the oldest pending delivery is due: events arrive in order per ticket.
    /// </summary>
    public string DueDeliveries { get; } = dialect.Limit("""
        SELECT x.Id, x.SubscriptionId, x.EventId, x.Attempts, x.Payload, x.Url, x.Secret, x.PreviousSecret, x.PreviousSecretUntil
        FROM (
            SELECT d.Id, d.SubscriptionId, d.EventId, d.Attempts, e.Payload, s.Url, s.Secret, s.PreviousSecret, s.PreviousSecretUntil,
                d.NextAttemptAt, ROW_NUMBER() OVER (PARTITION BY d.SubscriptionId ORDER BY d.NextAttemptAt, d.Id) AS Turn
            FROM WebhookDeliveries d
            JOIN OutboxEvents e ON e.EventId = d.EventId
            JOIN WebhookSubscriptions s ON s.Id = d.SubscriptionId AND s.Enabled = 1
            WHERE d.State = 'Pending' AND d.NextAttemptAt <= @now
              AND NOT EXISTS (SELECT 1 FROM WebhookDeliveries o
                              WHERE o.SubscriptionId = d.SubscriptionId AND o.TicketId = d.TicketId AND o.State = 'Pending' AND o.Id < d.Id)
        ) x
        WHERE x.Turn <= @perSubscription
        ORDER BY x.Turn, x.NextAttemptAt, x.Id
        """, "@batch");


    public string Deliveries(bool before) => dialect.Limit(
        "SELECT d.Id, d.EventId, e.Type, d.State, d.Attempts, d.LastStatus, d.LastError, d.NextAttemptAt, d.CreatedAt, d.DeliveredAt " +
        "FROM WebhookDeliveries d JOIN OutboxEvents e ON e.EventId = d.EventId WHERE d.SubscriptionId = @SubscriptionId" +
        (before ? " AND d.Id < @Before" : "") + " ORDER BY d.Id DESC", "@Limit");

    public IEnumerable<string> All() =>
    [
        InsertEvent, MarkDispatched, FanOut, QueueEscalations, Delivered, Retry, Replay, Disable, InsertSubscription,
        UpdateSubscription, RotateSecret, DeleteSubscription, PendingCount, OldestPending, FailureCount, UndispatchedCount, EscalationCount,
        SubscriptionBacklogs, Subscription,
        SubscriptionsInRange, Undispatched, DueDeliveries, Deliveries(false), Deliveries(true),
    ];
}
