using System.Data.Common;
using Dapper;
using Itsm.Domain.Escalations;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Hq;

public sealed class HqEscalation
{
    public long Id { get; init; }
    public string EventId { get; init; } = "";
    public long TicketId { get; init; }
    public EscalationState State { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public int? LastStatus { get; init; }
    public string? LastError { get; init; }
    public string? HqReference { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Escalation deliveries to HQ and the events HQ sends back.</summary>
public sealed class HqStore(Database database)
{
    public Task<HqEscalation?> LatestAsync(long ticketId, CancellationToken ct) =>
        database.ReadAsync((connection, token) => connection.QueryFirstOrDefaultAsync<HqEscalation>(
            new CommandDefinition(HqSql.Latest, new { TicketId = ticketId }, cancellationToken: token)), ct);

    public Task<HqEscalation?> ByEventAsync(string eventId, CancellationToken ct) =>
        database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<HqEscalation>(
            new CommandDefinition(HqSql.ByEvent, new { EventId = eventId }, cancellationToken: token)), ct);

    /// <summary>Queues a failed escalation again, due now; false when it is not failed.</summary>
    public Task<bool> RequeueAsync(long id, DateTimeOffset now, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) => await connection.ExecuteAsync(
            new CommandDefinition(HqSql.Requeue, new { Id = id, Now = now }, transaction, cancellationToken: token)) == 1, ct);

    public Task<bool> SeenAsync(string inboundId, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) => await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(HqSql.InboundSeen, new { Id = inboundId }, cancellationToken: token)) > 0, ct);

    /// <summary>
    /// Inside the transaction that applies an HQ event: remembers its id (applied once; a second insert of the same id fails)
    /// and moves the escalation forward; false when it is no longer the ticket's latest or would move back.
    /// </summary>
    public static async Task<bool> AnsweredAsync(DbConnection connection, DbTransaction transaction, string inboundId, HqEscalation escalation,
        HqEventType type, string? reference, DateTimeOffset now, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(HqSql.InsertInbound, new { Id = inboundId, Source = "hq", Now = now }, transaction, cancellationToken: ct));
        return await connection.ExecuteAsync(new CommandDefinition(HqSql.Answered, new
        {
            escalation.EventId, escalation.TicketId, State = type.Reached().ToString(), Reference = reference, Now = now,
            From = type.AnsweredFrom().Select(s => s.ToString()).ToArray(),
        }, transaction, cancellationToken: ct)) == 1;
    }
}