using System.Data.Common;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Tickets;

/// <summary>A child of a major incident left as it was when the incident was resolved, and why.</summary>
public sealed record ChildNotResolved(long Ticket, string Number, TicketStatus Status, string Reason);

/// <summary>
/// Links between tickets, and the major incidents they make. Making or removing a link is recorded on the ticket it starts
/// from, through <see cref="TicketChanges"/>; a duplicate is that ticket's change (it is cancelled).
/// </summary>
public sealed class LinkStore(Database database, TicketChanges changes)
{
    public const string Added = "link.added";
    public const string Removed = "link.removed";
    public const string WatcherNotAdded = "watcher.not_added";
    private readonly TicketWorkSql _sql = new(database.Dialect);

    public Task<IReadOnlyList<TicketLink>> ListAsync(long ticketId, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<TicketLink>>(async (connection, token) => await LinksOfAsync(connection, null, ticketId, token), ct);

    /// <summary>Links <paramref name="from"/> to <paramref name="to"/> (not as a duplicate): refused as the domain says, under the ticket's row lock.</summary>
    public async Task<(TicketChange Change, TicketLink? Link)> AddAsync(long from, long to, LinkType type, Actor actor, CancellationToken ct)
    {
        TicketLink? link = null;
        DateTimeOffset at = default;
        var change = await changes.RecordAsync(from, actor, (ticket, now) =>
        {
            ticket.RecordEvent(actor.UserId, Added, now, new Dictionary<string, object?> { ["type"] = type.ToString(), ["ticket"] = to });
            at = now;
            return null;
        }, async (connection, transaction, token) =>
        {
            if (await RefusalAsync(connection, transaction, from, to, type, token) is { } refusal) return refusal;
            link = await InsertAsync(connection, transaction, from, to, type, actor.UserId, at, token);
            return null;
        }, ct);
        return (change, link);
    }

    /// <summary>
    /// Line 1 marks <paramref name="from"/> a duplicate of <paramref name="original"/>: it is cancelled (outcome Duplicate), linked, and
    /// its requester made a watcher of the original when <paramref name="requesterMayWatch"/> (else its history says why not), in one
    /// transaction.
    /// </summary>
    public async Task<(TicketChange Change, TicketLink? Link)> AddDuplicateAsync(long from, Ticket original, Actor actor, Func<Ticket, bool> precondition,
        bool requesterMayWatch, CancellationToken ct)
    {
        TicketLink? link = null;
        Ticket? duplicate = null;
        DateTimeOffset at = default;
        var change = await changes.ApplyAsync(from, actor, TicketAction.MarkDuplicate, precondition, (ticket, _, now) =>
        {
            (duplicate, at) = (ticket, now);
            if (ticket.MarkDuplicateOf(actor, now, original) is { } error) return Task.FromResult<object?>(error);
            if (!requesterMayWatch && ticket.RequesterId != original.RequesterId)
                ticket.RecordEvent(actor.UserId, WatcherNotAdded, now, new Dictionary<string, object?>
                {
                    ["ticket"] = original.Id, ["watcher"] = ticket.RequesterId,
                    ["reason"] = $"Not made a watcher of {original.Number}: a watcher is a person of unit '{original.UnitId}' or a unit below it.",
                });
            return Task.FromResult<object?>(null);
        }, async (connection, transaction, token) =>
        {
            if (await RefusalAsync(connection, transaction, from, original.Id, LinkType.DuplicateOf, token) is { } refusal) return refusal;
            link = await InsertAsync(connection, transaction, from, original.Id, LinkType.DuplicateOf, actor.UserId, at, token);
            if (requesterMayWatch && duplicate!.RequesterId != original.RequesterId)
                await WatcherStore.AddAsync(connection, transaction, original.Id, duplicate.RequesterId, actor.UserId, at, token);
            return null;
        }, ct);
        return (change, link);
    }

    /// <summary>Removes link <paramref name="linkId"/> of the ticket (either end); <paramref name="notFound"/> when it has no such link.</summary>
    public Task<TicketChange> RemoveAsync(long ticketId, long linkId, Actor actor, Func<object> notFound, CancellationToken ct) =>
        changes.RecordAsync(ticketId, actor, (ticket, now) =>
        {
            ticket.RecordEvent(actor.UserId, Removed, now, new Dictionary<string, object?> { ["link"] = linkId });
            return null;
        }, async (connection, transaction, token) =>
            await connection.ExecuteAsync(new CommandDefinition(TicketWorkSql.RemoveLink, new { Id = linkId, TicketId = ticketId },
                transaction, cancellationToken: token)) == 0 ? notFound() : null, ct);

    /// <summary>
    /// Resolves the children of a major incident just resolved, each through the one change path as the service itself (which
    /// children may be resolved so is the workflow's); returns those left as they were, with the reason.
    /// </summary>
    public async Task<IReadOnlyList<ChildNotResolved>?> ResolveChildrenAsync(MajorIncident parent, string resolvedBy, CancellationToken ct)
    {
        var children = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<long>(
            new CommandDefinition(TicketWorkSql.Children, new { TicketId = parent.Id }, cancellationToken: token))).ToList(), ct);
        if (children.Count == 0) return null;
        var notResolved = new List<ChildNotResolved>();
        foreach (var id in children)
        {
            var change = await changes.ApplyAsync(id, Actor.System, TicketAction.Resolve, _ => true, (child, sla, now) =>
                Task.FromResult<object?>(child.ResolveWithParent(parent, resolvedBy, now, sla.ConfirmationDue(now))), null, ct);
            if (change is { Result: not ChangeResult.Saved, Ticket: { } child })
                notResolved.Add(new ChildNotResolved(id, child.Number, child.Status, change.Result == ChangeResult.Stale
                    ? "It changed while its major incident was resolved: resolve it on its own."
                    : TicketLinking.WhyNotResolvedWithParent(child)));
        }
        return notResolved;
    }

    private async Task<TicketError?> RefusalAsync(DbConnection connection, DbTransaction transaction, long from, long to, LinkType type, CancellationToken ct)
    {
        var reachable = new HashSet<long> { to };
        for (var frontier = new[] { to }; type.IsDirected() && frontier.Length > 0;)
            frontier = (await connection.QueryAsync<long>(new CommandDefinition(TicketWorkSql.LinkedFrom, new { ids = frontier, Type = type.ToString() },
                transaction, cancellationToken: ct))).Where(reachable.Add).ToArray();
        return TicketLinking.Refusal(from, to, type, reachable, await LinksOfAsync(connection, transaction, from, ct));
    }

    private async Task<TicketLink> InsertAsync(DbConnection connection, DbTransaction transaction, long from, long to, LinkType type, string by,
        DateTimeOffset at, CancellationToken ct)
    {
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.AddLink,
            new { Type = type.ToString(), FromTicketId = from, ToTicketId = to, CreatedBy = by, CreatedAt = at }, transaction, cancellationToken: ct));
        return new TicketLink(id, type, from, to, by, at);
    }

    private static async Task<IReadOnlyList<TicketLink>> LinksOfAsync(DbConnection connection, DbTransaction? transaction, long ticketId, CancellationToken ct) =>
        (await connection.QueryAsync<LinkRow>(new CommandDefinition(TicketWorkSql.LinksOf, new { TicketId = ticketId }, transaction, cancellationToken: ct)))
        .Select(r => new TicketLink(r.Id, Enum.Parse<LinkType>(r.Type), r.From, r.To, r.CreatedBy, r.CreatedAt)).ToList();

    private sealed class LinkRow
    {
        public long Id { get; init; }
        public string Type { get; init; } = "";
        public long From { get; init; }
        public long To { get; init; }
        public string CreatedBy { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
    }
}
