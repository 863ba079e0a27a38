using System.Data.Common;
using System.Text.Json;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Tickets;

/// <summary>Filters of the ticket list; every one is optional. Results are newest first, after <see cref="BeforeId"/>.</summary>
public sealed record TicketQuery(
    IReadOnlyList<TicketStatus>? Statuses = null, Category? Category = null, Priority? Priority = null,
    string? UnitPath = null, string? GroupId = null, string? AssigneeId = null, string? SystemId = null,
    string? RequesterId = null, string? Text = null, DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null,
    int Limit = 25, long? BeforeId = null);

public sealed class StoredHistoryEntry
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
    public string ActorId { get; init; } = "";
    public string Action { get; init; } = "";
    public TicketStatus? FromStatus { get; init; }
    public TicketStatus? ToStatus { get; init; }
    public string Details { get; init; } = "{}";
    public bool Internal { get; init; }
}

public sealed class StoredComment
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
    public string AuthorId { get; init; } = "";
    public CommentVisibility Visibility { get; init; }
    public string Body { get; init; } = "";
}

/// <summary>Tickets, their history and comments. Every read filters by the caller's scope in the SQL itself.</summary>
public sealed class TicketStore(Database database)
{
    private readonly TicketSql _sql = new(database.Dialect);

    /// <summary>Stores a new ticket with its number (per unit and year) and its first history entry, in one transaction.</summary>
    public async Task InsertAsync(Ticket ticket, CancellationToken ct)
    {
        var (id, number) = await database.WriteAsync(async (connection, transaction, token) =>
        {
            var year = ticket.CreatedAt.UtcDateTime.Year;
            var sequence = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                _sql.NextNumber, new { ticket.UnitId, Year = year }, transaction, cancellationToken: token));
            var number = $"{ticket.UnitId}-{year}-{sequence:D6}";
            var args = Parameters(ticket);
            args.Add("Number", number);
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.Insert, args, transaction, cancellationToken: token));
            await AppendHistoryAsync(connection, transaction, id, ticket.Changes, token);
            return (id, number);
        }, ct);
        ticket.Identify(id, number);
        ticket.Saved(ticket.Version);
    }

    /// <summary>Saves a change if nobody else changed the ticket since <paramref name="expectedVersion"/>; false when stale.</summary>
    public async Task<bool> UpdateAsync(Ticket ticket, int expectedVersion, CancellationToken ct)
    {
        var saved = await database.WriteAsync(async (connection, transaction, token) =>
        {
            var args = Parameters(ticket);
            args.Add("ExpectedVersion", expectedVersion);
            if (await connection.ExecuteAsync(new CommandDefinition(_sql.Update, args, transaction, cancellationToken: token)) == 0) return false;
            await AppendHistoryAsync(connection, transaction, ticket.Id, ticket.Changes, token);
            return true;
        }, ct);
        if (saved) ticket.Saved(expectedVersion + 1);
        return saved;
    }

    /// <summary>Adds a comment and its history entry; comments do not change the ticket's version.</summary>
    public async Task<StoredComment> AddCommentAsync(Ticket ticket, CommentVisibility visibility, string body, CancellationToken ct)
    {
        var entry = ticket.Changes.Single();
        var id = await database.WriteAsync(async (connection, transaction, token) =>
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.InsertComment,
                new { TicketId = ticket.Id, entry.At, AuthorId = entry.ActorId, Visibility = visibility.ToString(), Body = body },
                transaction, cancellationToken: token));
            await AppendHistoryAsync(connection, transaction, ticket.Id, ticket.Changes, token);
            return id;
        }, ct);
        ticket.Saved(ticket.Version);
        return new StoredComment { Id = id, At = entry.At, AuthorId = entry.ActorId, Visibility = visibility, Body = body };
    }

    public Task<Ticket?> GetAsync(long id, Actor actor, CancellationToken ct)
    {
        var args = ScopeArgs(actor);
        args.Add("Id", id);
        return database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<Ticket>(
            new CommandDefinition(_sql.Get(actor.SeesOnlyOwnTickets), args, cancellationToken: token)), ct);
    }

    /// <summary>One page, newest first (keyset on Id), plus whether more follow.</summary>
    public async Task<(IReadOnlyList<Ticket> Items, bool More)> ListAsync(TicketQuery query, Actor actor, CancellationToken ct)
    {
        var args = ScopeArgs(actor);
        var filters = ListFilters.None;
        if (query.Statuses is { Count: > 0 }) Add(ListFilters.Status, "Statuses", query.Statuses.Select(s => s.ToString()).ToArray());
        Add(ListFilters.Category, "Category", query.Category?.ToString());
        Add(ListFilters.Priority, "Priority", query.Priority?.ToString());
        if (query.UnitPath is { } unitPath)
        {
            var (from, to) = Scope.Range(unitPath);
            Add(ListFilters.Unit, "UnitFrom", from);
            args.Add("UnitTo", to);
        }
        Add(ListFilters.Group, "GroupId", query.GroupId);
        Add(ListFilters.Assignee, "AssigneeId", query.AssigneeId);
        Add(ListFilters.System, "SystemId", query.SystemId);
        Add(ListFilters.Requester, "RequesterId", query.RequesterId);
        Add(ListFilters.Text, "Text", query.Text is null ? null : "%" + EscapeLike(query.Text) + "%");
        Add(ListFilters.CreatedFrom, "CreatedFrom", query.CreatedFrom);
        Add(ListFilters.CreatedTo, "CreatedTo", query.CreatedTo);
        Add(ListFilters.Before, "BeforeId", query.BeforeId);

        var sql = _sql.List(actor.SeesOnlyOwnTickets, filters, query.Limit);
        var rows = await database.ReadAsync(async (connection, token) =>
            (await connection.QueryAsync<Ticket>(new CommandDefinition(sql, args, cancellationToken: token))).ToList(), ct);
        var more = rows.Count > query.Limit;
        return (more ? rows.Take(query.Limit).ToList() : rows, more);

        void Add(ListFilters filter, string name, object? value)
        {
            if (value is null) return;
            filters |= filter;
            args.Add(name, value);
        }
    }

    public Task<IReadOnlyList<StoredHistoryEntry>> HistoryAsync(long ticketId, bool includeInternal, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<StoredHistoryEntry>>(async (connection, token) => (await connection.QueryAsync<StoredHistoryEntry>(
            new CommandDefinition(_sql.History, new { ticketId, includeInternal = includeInternal ? 1 : 0 }, cancellationToken: token))).ToList(), ct);

    public Task<IReadOnlyList<StoredComment>> CommentsAsync(long ticketId, bool includeInternal, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<StoredComment>>(async (connection, token) => (await connection.QueryAsync<StoredComment>(
            new CommandDefinition(_sql.Comments, new { ticketId, includeInternal = includeInternal ? 1 : 0 }, cancellationToken: token))).ToList(), ct);

    private static DynamicParameters ScopeArgs(Actor actor)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        var args = new DynamicParameters(new { ScopeFrom = from, ScopeTo = to });
        if (actor.SeesOnlyOwnTickets) args.Add("ScopeRequester", actor.UserId);
        return args;
    }

    private async Task AppendHistoryAsync(DbConnection connection, DbTransaction transaction, long ticketId,
        IEnumerable<HistoryEntry> entries, CancellationToken ct)
    {
        foreach (var entry in entries)
        {
            await connection.ExecuteAsync(new CommandDefinition(_sql.InsertHistory, new
            {
                TicketId = ticketId, entry.At, entry.ActorId, entry.Action, FromStatus = entry.From?.ToString(),
                ToStatus = entry.To?.ToString(), Details = JsonSerializer.Serialize(entry.Details), Internal = entry.Internal,
            }, transaction, cancellationToken: ct));
        }
    }

    private static DynamicParameters Parameters(Ticket t)
    {
        var args = new DynamicParameters();
        args.AddDynamicParams(new
        {
            t.Id, t.UnitId, t.UnitPath, t.SystemId, Category = t.Category.ToString(), t.Title, t.Description,
            Impact = t.Impact.ToString(), Urgency = t.Urgency.ToString(), Priority = t.Priority.ToString(), Status = t.Status.ToString(),
            Outcome = t.Outcome?.ToString(), t.GroupId, t.AssigneeId, t.RequesterId, t.CreatedAt, t.UpdatedAt, t.TriagedAt,
            t.ResolvedAt, t.ClosedAt, t.ConfirmationDue, ResolutionCode = t.ResolutionCode?.ToString(), t.Resolution, t.Satisfaction,
            ApprovalStatus = t.ApprovalStatus?.ToString(), t.ApprovalRequestedBy, t.PlanWhat, t.PlanBackup, t.PlanTest,
            t.PlanRollback, t.EscalatedAt, t.Version,
        });
        return args;
    }

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
