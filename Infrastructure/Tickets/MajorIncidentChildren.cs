using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Tickets;

/// <summary>
/// Pays what a resolved major incident owes its children: each child is resolved with it (or left, with the reason), then
/// the mark its resolve left is cleared. Runs after the parent's commit, never on a request's cancellation, and again from
/// the scheduler for whatever a disconnect or a crash left owed; a child already resolved is simply left as it is.
/// </summary>
public sealed class MajorIncidentChildren(Database database, TicketStore tickets, LinkStore links)
{
    private readonly TicketWorkSql _sql = new(database.Dialect);

    /// <summary>The children of <paramref name="parentId"/> left as they were, or null when it owed its children nothing.</summary>
    public async Task<IReadOnlyList<ChildNotResolved>?> ResolveOwedAsync(long parentId, CancellationToken ct)
    {
        var resolvedBy = await database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<string?>(
            new CommandDefinition(TicketWorkSql.ChildrenOwedBy, new { TicketId = parentId }, cancellationToken: token)), ct);
        if (resolvedBy is null) return null;
        IReadOnlyList<ChildNotResolved> notResolved = [];
        // Reopened since, its resolution is gone: its children owe it nothing any more.
        if (await tickets.GetAsync(parentId, Actor.System, ct) is { ResolutionCode: { } code, Resolution: { } text } parent)
            notResolved = await links.ResolveChildrenAsync(new MajorIncident(parent.Id, parent.Number, code, text), resolvedBy, ct) ?? [];
        await database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(
            new CommandDefinition(TicketWorkSql.ForgetChildrenOwed, new { TicketId = parentId }, transaction, cancellationToken: token)), ct);
        return notResolved;
    }

    /// <summary>One batch of major incidents whose children are still owed; returns how many were paid.</summary>
    public async Task<int> SweepAsync(int batch, CancellationToken ct)
    {
        var owed = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<long>(
            new CommandDefinition(_sql.ChildrenOwed, new { Batch = batch }, cancellationToken: token))).ToList(), ct);
        foreach (var id in owed) await ResolveOwedAsync(id, ct);
        return owed.Count;
    }
}
