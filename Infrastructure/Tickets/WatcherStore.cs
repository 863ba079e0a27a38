using System.Data.Common;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Tickets;

public sealed class StoredWatcher
{
    public long TicketId { get; init; }
    public string UserId { get; init; } = "";
    public string AddedBy { get; init; } = "";
    public DateTimeOffset AddedAt { get; init; }
}

/// <summary>
/// A ticket's watchers: who they are, the tickets they may read because they watch them, and the notifications they get.
/// Adding and removing one is recorded on the ticket through <see cref="TicketChanges"/> (its version stays).
/// </summary>
public sealed class WatcherStore(Database database, TicketStore tickets, TicketChanges changes)
{
    public const string Added = "watcher.added";
    public const string Removed = "watcher.removed";

    /// <summary>The ticket as the caller may read it: in their scope, or (whatever their scope) because they watch it.</summary>
    public async Task<Ticket?> GetVisibleAsync(long id, Actor actor, CancellationToken ct) => (await FindVisibleAsync(id, actor, ct)).Ticket;

    /// <summary>As <see cref="GetVisibleAsync"/>, and whether the caller sees it only because they watch it (then they only read it).</summary>
    public async Task<(Ticket? Ticket, bool OnlyWatching)> FindVisibleAsync(long id, Actor actor, CancellationToken ct)
    {
        if (await tickets.GetAsync(id, actor, ct) is { } inScope) return (inScope, false);
        var watched = await database.ReadAsync(async (connection, token) =>
            await IsWatchingAsync(connection, null, id, actor.UserId, token)
                ? (await tickets.GetManyAsync(connection, null, [id], token)).SingleOrDefault()
                : null, ct);
        return (watched, watched is not null);
    }

    public Task<IReadOnlyList<StoredWatcher>> ListAsync(long ticketId, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<StoredWatcher>>(async (connection, token) => (await connection.QueryAsync<StoredWatcher>(
            new CommandDefinition(TicketWorkSql.Watchers, new { TicketId = ticketId }, cancellationToken: token))).ToList(), ct);

    /// <summary>
    /// Adds <paramref name="userId"/> as a watcher, recorded in the ticket's history as done by <paramref name="actor"/>. The caller
    /// has found the ticket visible to <paramref name="actor"/> (a watcher may see a ticket outside their scope): it is read here
    /// as the service, under its row lock.
    /// </summary>
    public Task<TicketChange> AddAsync(long ticketId, Actor actor, string userId, Func<Ticket, object?> decide, CancellationToken ct)
    {
        DateTimeOffset? addedAt = null;
        return changes.RecordAsync(ticketId, Actor.System, (ticket, now) =>
        {
            if (decide(ticket) is { } refusal) return refusal;
            ticket.RecordEvent(actor.UserId, Added, now, new Dictionary<string, object?> { ["watcher"] = userId });
            addedAt = now;
            return null;
        }, async (connection, transaction, token) =>
        {
            await AddAsync(connection, transaction, ticketId, userId, actor.UserId, addedAt!.Value, token);
            return null;
        }, ct);
    }

    /// <summary>Removes <paramref name="userId"/> as a watcher (read as for <see cref="AddAsync(long, Actor, string, Func{Ticket, object?}, CancellationToken)"/>); <paramref name="notWatching"/> is the refusal when they do not watch the ticket.</summary>
    public Task<TicketChange> RemoveAsync(long ticketId, Actor actor, string userId, Func<Ticket, object?> decide, Func<object> notWatching, CancellationToken ct) =>
        changes.RecordAsync(ticketId, Actor.System, (ticket, now) =>
        {
            if (decide(ticket) is { } refusal) return refusal;
            ticket.RecordEvent(actor.UserId, Removed, now, new Dictionary<string, object?> { ["watcher"] = userId });
            return null;
        }, async (connection, transaction, token) =>
            await connection.ExecuteAsync(new CommandDefinition(TicketWorkSql.RemoveWatcher, new { TicketId = ticketId, UserId = userId },
                transaction, cancellationToken: token)) == 0 ? notWatching() : null, ct);

    /// <summary>Inside a ticket change's transaction (a duplicate's requester made a watcher of the original).</summary>
    internal static async Task AddAsync(DbConnection connection, DbTransaction transaction, long ticketId, string userId, string addedBy,
        DateTimeOffset at, CancellationToken ct)
    {
        if (await IsWatchingAsync(connection, transaction, ticketId, userId, ct)) return;
        await connection.ExecuteAsync(new CommandDefinition(TicketWorkSql.AddWatcher,
            new { TicketId = ticketId, UserId = userId, AddedBy = addedBy, AddedAt = at }, transaction, cancellationToken: ct));
    }

    private static async Task<bool> IsWatchingAsync(DbConnection connection, DbTransaction? transaction, long ticketId, string userId, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(TicketWorkSql.IsWatching, new { TicketId = ticketId, UserId = userId },
            transaction, cancellationToken: ct)) > 0;

    /// <summary>
    /// The notifications made for tickets, and for each the same once per watcher of its ticket (<see cref="RecipientKind.User"/>):
    /// a watcher gets the ticket's notifications, once per event: none besides to a watcher the event already reaches (a
    /// member of a group it goes to, one of the unit's service desk it goes to, ...).
    /// </summary>
    public static async Task<IReadOnlyList<Notification>> AlsoToWatchersAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<Notification> notifications, CancellationToken ct)
    {
        var ids = notifications.Where(n => n.TicketId is not null && n.RecipientKind != RecipientKind.User).Select(n => n.TicketId!.Value).Distinct().ToArray();
        if (ids.Length == 0) return notifications;
        var watchers = (ids.Length == 1
                ? await connection.QueryKeptAsync<(long TicketId, string UserId)>(TicketWorkSql.WatchersOfTicket, new { id = ids[0] }, transaction, ct)
                : (await connection.QueryAsync<(long TicketId, string UserId)>(new CommandDefinition(TicketWorkSql.WatchersOfTickets, new { ids },
                    transaction, cancellationToken: ct))).AsList())
            .ToLookup(w => w.TicketId, w => w.UserId);
        if (watchers.Count == 0) return notifications;
        var readers = await ReadersAsync(connection, transaction, watchers.SelectMany(w => w).Distinct().ToArray(), ct);
        // One per watcher and event, however many groups the event was sent to, and none to whom the event already reaches.
        var copies = notifications.Where(n => n.TicketId is { } id && n.RecipientKind != RecipientKind.User && watchers.Contains(id))
            .GroupBy(n => (n.TicketId, n.Type, n.CreatedAt, n.Details))
            .SelectMany(sent => watchers[sent.Key.TicketId!.Value]
                .Where(user => !readers.TryGetValue(user, out var reader) || !sent.Any(n => n.Reaches(reader)))
                .Select(user => new Notification
                {
                    TicketId = sent.Key.TicketId, Type = sent.Key.Type, RecipientKind = RecipientKind.User, Recipient = user,
                    CreatedAt = sent.Key.CreatedAt, Details = sent.Key.Details,
                }));
        return [.. notifications, .. copies];
    }

    /// <summary>The watchers as readers of notifications (by user id): whom a notification to a group or a unit's role reaches.</summary>
    private static async Task<Dictionary<string, Actor>> ReadersAsync(DbConnection connection, DbTransaction transaction, string[] ids, CancellationToken ct)
    {
        var groups = (await connection.QueryAsync<(string UserId, string GroupId)>(new CommandDefinition(TicketWorkSql.GroupsOfWatchers, new { ids },
            transaction, cancellationToken: ct))).ToLookup(m => m.UserId, m => m.GroupId);
        return (await connection.QueryAsync<ReaderRow>(new CommandDefinition(TicketWorkSql.WatchersAsReaders, new { ids }, transaction, cancellationToken: ct)))
            .ToDictionary(r => r.Id, r => new Actor(r.Id, r.Name, r.UnitId, r.UnitPath,
                Organisation.OrganisationStore.ParseRoles(r.Roles), groups[r.Id].ToHashSet(), r.Department));
    }

    private sealed record ReaderRow(string Id, string Name, string UnitId, string UnitPath, string Roles, string? Department);
}
