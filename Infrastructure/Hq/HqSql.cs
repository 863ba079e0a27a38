using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Hq;

/// <summary>Every statement of the HQ escalation deliveries and the inbound HQ events, for one dialect.</summary>
public sealed class HqSql(SqlDialect dialect)
{
    private const string Columns = "Id, EventId, TicketId, State, Attempts, NextAttemptAt, LastStatus, LastError, HqReference, CreatedAt, UpdatedAt";

    public const string Sent = """
        UPDATE HqEscalations SET State = 'Sent', Attempts = Attempts + 1, LastStatus = @Status, LastError = NULL, NextAttemptAt = NULL,
            HqReference = COALESCE(@Reference, HqReference), UpdatedAt = @Now
        WHERE Id = @Id AND State = 'Queued'
        """;
    public const string Retry = """
        UPDATE HqEscalations SET State = @State, Attempts = Attempts + 1, LastStatus = @Status, LastError = @Error, NextAttemptAt = @Next, UpdatedAt = @Now
        WHERE Id = @Id AND State = 'Queued'
        """;
    public const string Requeue = """
        UPDATE HqEscalations SET State = 'Queued', Attempts = 0, NextAttemptAt = @Now, UpdatedAt = @Now WHERE Id = @Id AND State = 'Failed'
        """;
    /// <summary>HQ's answer, only to the ticket's latest escalation and only forward from the states in @From.</summary>
    public const string Answered = """
        UPDATE HqEscalations SET State = @State, HqReference = COALESCE(@Reference, HqReference), UpdatedAt = @Now
        WHERE EventId = @EventId AND State IN @From
          AND Id = (SELECT MAX(l.Id) FROM HqEscalations l WHERE l.TicketId = @TicketId)
        """;
    public const string Latest = $"SELECT {Columns} FROM HqEscalations WHERE TicketId = @TicketId ORDER BY Id DESC";
    public const string ByEvent = $"SELECT {Columns} FROM HqEscalations WHERE EventId = @EventId";
    public const string InboundSeen = "SELECT COUNT(*) FROM InboundEvents WHERE Id = @Id";
    public const string InsertInbound = "INSERT INTO InboundEvents (Id, Source, ReceivedAt) VALUES (@Id, @Source, @Now)";

    /// <summary>Due escalations, for each ticket only the oldest queued one: HQ hears about a ticket in order.</summary>
    public string Due { get; } = dialect.Limit("""
        SELECT h.Id, h.EventId, h.TicketId, h.Attempts, e.Payload, e.UnitPath
        FROM HqEscalations h JOIN OutboxEvents e ON e.EventId = h.EventId
        WHERE h.State = 'Queued' AND h.NextAttemptAt <= @now
          AND NOT EXISTS (SELECT 1 FROM HqEscalations o WHERE o.TicketId = h.TicketId AND o.State = 'Queued' AND o.Id < h.Id)
        ORDER BY h.Id
        """, "@batch");

    public IEnumerable<string> All() =>
        [Sent, Retry, Requeue, Answered, Latest, ByEvent, InboundSeen, InsertInbound, Due];
}
