using System.Data.Common;
using System.Text.Json;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Search;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Tickets;

/// <summary>Filters of the ticket list; every one is optional. Results are newest first, after <see cref="BeforeId"/>.</summary>
public sealed record TicketQuery(
    IReadOnlyList<TicketStatus>? Statuses = null, Category? Category = null, Priority? Priority = null,
    string? UnitPath = null, string? GroupId = null, string? AssigneeId = null, string? SystemId = null,
    string? RequesterId = null, string? Text = null, DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null,
    int Limit = 25, long? BeforeId = null, SlaState? SlaState = null, long? ChangedAfter = null,
    IReadOnlyList<string>? Search = null);

/// <summary>A change's search terms as its caller worked them out: <see cref="Same"/> when the change left the text alone.</summary>
internal sealed record TextIndex(bool Unchanged, string? Terms)
{
    public static TextIndex Same { get; } = new(true, null);

    public static TextIndex With(string terms) => new(false, terms);
}

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

/// <summary>The stored comment, or null when the author's limit was reached; with the author's recent count and oldest recent comment.</summary>
public sealed record CommentOutcome(StoredComment? Comment, int RecentCount, DateTimeOffset? Oldest);

public sealed class StoredComment
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
    public string AuthorId { get; init; } = "";
    public CommentVisibility Visibility { get; init; }
    public string Body { get; init; } = "";
}

/// <summary>
/// Tickets, their history and comments. Every read filters by the caller's scope in the SQL itself; changes are written
/// only through <see cref="TicketChanges"/>.
/// </summary>
public sealed class TicketStore(Database database, SlaStore sla)
{
    private readonly TicketSql _sql = new(database.Dialect);
    private readonly SearchIndex _search = new(database);
    private readonly PreparedReads _get = new(database, new TicketSql(database.Dialect).GetInScope, ["@Id", "@ScopeFrom", "@ScopeTo", "@ScopeRequester"],
        TicketRows.Tolerant);
    private readonly PreparedReads _owner = new(database, new TicketSql(database.Dialect).OwnerOfOne, ["@SystemId", "@UnitPath"]);

    /// <summary>
    /// Stores a new ticket with its number (per unit and year of <paramref name="numberYear"/>), its first history entry and
    /// its clocks, in one transaction. What needs nothing from the transaction (the clocks, the text's search terms, who owns
    /// the system) is worked out first, in the caller's thread, so that the single writer's turn is only the statements.
    /// </summary>
    internal async Task InsertAsync(Ticket ticket, int numberYear, Func<Ticket, IReadOnlyList<SlaClock>> startClocks, CancellationToken ct)
    {
        var clocks = startClocks(ticket);
        ticket.ShowSla(clocks);
        var textTerms = SearchIndex.TextTerms(ticket.Title, ticket.Description, ticket.Resolution);
        ticket.OwnedBy(await OwnerAsync(ticket, ct));
        var (id, number) = await database.WriteAsync(async (connection, transaction, token) =>
        {
            if (SequencesFirst) await SequenceFirstAsync(connection, transaction, ticket, token);
            var sequence = await connection.ScalarKeptAsync<long>(_sql.NextNumber, new { ticket.UnitId, Year = numberYear }, transaction, token);
            var number = $"{ticket.UnitId}-{numberYear}-{sequence:D6}";
            var id = await connection.ScalarKeptAsync<long>(_sql.Insert, Parameters(ticket, number), transaction, token);
            ticket.Identify(id, number);
            await _search.InsertTicketAsync(connection, transaction, id, SearchIndex.FieldTerms(number, textTerms), token);
            await AppendHistoryAsync(connection, transaction, ticket, token);
            await sla.InsertClocksAsync(connection, transaction, id, clocks, token);
            if (!SequencesFirst) await SequenceAsync(connection, transaction, ticket, token);
            return (id, number);
        }, ct);
        ticket.Identify(id, number);
        ticket.Saved(ticket.Version);
    }

    /// <summary>Locks the tickets' rows for the rest of the transaction, so that what is read next is what the change starts from.</summary>
    internal Task LockAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<long> ids, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(_sql.Lock, new { ids }, transaction, cancellationToken: ct));

    /// <summary>
    /// Writes the ticket's own fields as a new version if it is still at <paramref name="expectedVersion"/> (locking its row); false
    /// when stale. Told which fields the change changed (<see cref="ChangedFields"/>), it writes only those: the version check
    /// makes that the same as writing them all.
    /// </summary>
    /// <param name="index">What the caller knows of the search terms already: the text unchanged, or its new terms.</param>
    internal async Task<bool> UpdateVersionAsync(DbConnection connection, DbTransaction transaction, Ticket ticket, int expectedVersion, CancellationToken ct,
        TextIndex? index = null, ulong? changed = null)
    {
        var sql = changed is { } fields ? _sql.UpdateOf(fields) : _sql.Update;
        if (await connection.ExecuteKeptAsync(sql, Parameters(ticket, expectedVersion: expectedVersion), transaction, ct) != 1) return false;
        // Every change of a ticket's text comes through here, so the index follows it in the same transaction. A ticket
        // whose text is unchanged keeps its terms (one the index has not met yet is indexed at start-up).
        if (index is { Unchanged: true }) return true;
        await _search.IndexTicketAsync(connection, transaction, ticket, ct, index?.Terms);
        return true;
    }

    /// <summary>
    /// Inside the caller's transaction, with the ticket's row locked: its service-level fields as the clocks read under the
    /// lock say, history, outbox events, clocks and notifications.
    /// </summary>
    internal async Task PersistAsync(DbConnection connection, DbTransaction transaction, Ticket ticket,
        IReadOnlyList<SlaClock> clocks, IEnumerable<Notification> notifications, CancellationToken ct)
    {
        // Derived from the clocks just read, never from a copy of the ticket loaded before the lock.
        ticket.ShowSla(clocks);
        await connection.ExecuteKeptAsync(_sql.UpdateSla, Parameters(ticket), transaction, ct);
        await AppendHistoryAsync(connection, transaction, ticket, ct);
        await sla.SaveClocksAsync(connection, transaction, ticket.Id, clocks, ct);
        await sla.AddNotificationsAsync(connection, transaction, notifications, ct);
    }

    /// <summary>The ticket the caller raised with this external reference (for itself or on someone's behalf), if any.</summary>
    public Task<Ticket?> FindByExternalRefAsync(string raisedBy, ExternalRef reference, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) => (await OwnAsync(connection, null, await TicketRows.QueryAsync(connection, new CommandDefinition(_sql.ByExternalRef,
            new { RaisedBy = raisedBy, reference.System, ExternalId = reference.Id }, cancellationToken: token)), token)).SingleOrDefault(), ct);

    /// <summary>The finding ticket opened for a run item, if any.</summary>
    public Task<Ticket?> FindByInspectionItemAsync(long runId, string item, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) => (await TicketRows.QueryAsync(connection, new CommandDefinition(_sql.ByInspectionItem,
            new { RunId = runId, Item = item }, cancellationToken: token))).SingleOrDefault(), ct);

    /// <summary>The finding tickets of a run by item code.</summary>
    public Task<IReadOnlyDictionary<string, long>> FindingsOfRunAsync(long runId, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyDictionary<string, long>>(async (connection, token) =>
            (await connection.QueryAsync<(string Item, long Id)>(new CommandDefinition(_sql.FindingsOfRun, new { RunId = runId }, cancellationToken: token)))
            .ToDictionary(r => r.Item, r => r.Id), ct);

    /// <summary>
    /// One writer at a time (SQLite): a change takes its sequence number before it writes the ticket's row, and writes it with
    /// the row (<see cref="SequenceFirstAsync"/>), sparing a second write of the row. A server with row locks takes it last
    /// (<see cref="SequenceAsync"/>), holding the sequence's row as briefly as possible.
    /// </summary>
    internal bool SequencesFirst => database.Dialect.SerializesWriters;

    /// <summary>The ticket's next change sequence, to be written with its row.</summary>
    internal async Task SequenceFirstAsync(DbConnection connection, DbTransaction transaction, Ticket ticket, CancellationToken ct) =>
        ticket.Sequenced(await connection.ScalarKeptAsync<long>(_sql.NextChange, null, transaction, ct));

    /// <summary>Last in the transaction, so that the sequence row is held as briefly as possible.</summary>
    internal async Task SequenceAsync(DbConnection connection, DbTransaction transaction, Ticket ticket, CancellationToken ct)
    {
        var sequence = await connection.ScalarKeptAsync<long>(_sql.NextChange, null, transaction, ct);
        await connection.ExecuteKeptAsync(_sql.SetChange, new { ChangeSequence = sequence, ticket.Id }, transaction, ct);
        ticket.Sequenced(sequence);
    }

    /// <summary>Tickets by id without a caller's scope: for the service's own background work.</summary>
    internal async Task<IReadOnlyList<Ticket>> GetManyAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<long> ids, CancellationToken ct) =>
        await OwnAsync(connection, transaction, await TicketRows.QueryAsync(connection, new CommandDefinition(_sql.GetMany, new { ids }, transaction, cancellationToken: ct)), ct);

    /// <summary>Adds a comment and its history entry; comments do not change the ticket's version.</summary>
    /// <summary>
    /// Adds a comment and its history entry (comments do not change the ticket's version) unless the author already added
    /// <paramref name="perWindow"/> comments to the ticket since <paramref name="since"/>. The count and the insert are
    /// one unit of work under the ticket's row lock, so parallel requests cannot slip past the limit.
    /// </summary>
    public async Task<CommentOutcome> AddCommentAsync(Ticket ticket, CommentVisibility visibility, string body, int perWindow, DateTimeOffset since,
        CancellationToken ct)
    {
        var entry = ticket.Changes.Single();
        var outcome = await database.WriteAsync(async (connection, transaction, token) =>
        {
            await LockAsync(connection, transaction, [ticket.Id], token);
            var recent = await connection.QuerySingleAsync<RecentCommentsRow>(new CommandDefinition(TicketSql.RecentComments,
                new { ticketId = ticket.Id, authorId = entry.ActorId, since }, transaction, cancellationToken: token));
            if (recent.Count >= perWindow) return new CommentOutcome(null, recent.Count, recent.Oldest);
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.InsertComment,
                new { TicketId = ticket.Id, entry.At, AuthorId = entry.ActorId, Visibility = visibility.ToString(), Body = body },
                transaction, cancellationToken: token));
            await _search.IndexCommentAsync(connection, transaction, ticket.Id, visibility, body, token);
            await AppendHistoryAsync(connection, transaction, ticket, token);
            return new CommentOutcome(new StoredComment { Id = id, At = entry.At, AuthorId = entry.ActorId, Visibility = visibility, Body = body },
                recent.Count + 1, recent.Oldest ?? entry.At);
        }, ct);
        ticket.Saved(ticket.Version);
        return outcome;
    }

    public async Task<Ticket?> GetAsync(long id, Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        var ticket = await _get.SingleOrDefaultAsync<Ticket>(new Dictionary<string, object?>
        {
            ["@Id"] = id, ["@ScopeFrom"] = from, ["@ScopeTo"] = to, ["@ScopeRequester"] = actor.SeesOnlyOwnTickets ? actor.UserId : null,
        }, ct);
        if (ticket is not null) ticket.OwnedBy(await OwnerAsync(ticket, ct));
        return ticket;
    }

    /// <summary>The department owning the ticket's system at its unit (<see cref="SystemOwnership"/>).</summary>
    private async Task<string?> OwnerAsync(Ticket ticket, CancellationToken ct) =>
        (await _owner.SingleOrDefaultAsync<OwnerOfTicket>(
            new Dictionary<string, object?> { ["@SystemId"] = ticket.SystemId, ["@UnitPath"] = ticket.UnitPath }, ct))?.Department;

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
        // Instants are stored in UTC; SQLite compares them as text, so the bounds must be in UTC too.
        Add(ListFilters.CreatedFrom, "CreatedFrom", query.CreatedFrom?.ToUniversalTime());
        Add(ListFilters.CreatedTo, "CreatedTo", query.CreatedTo?.ToUniversalTime());
        Add(ListFilters.Before, "BeforeId", query.BeforeId);
        Add(ListFilters.SlaState, "SlaState", query.SlaState?.ToString());
        Add(ListFilters.ChangedAfter, "ChangedAfter", query.ChangedAfter);
        if (query.Search is { Count: > 0 } terms)
        {
            filters |= ListFilters.Search;
            _search.AddQuery(args, terms, actor.SeesInternalNotes);
        }

        var sql = _sql.List(actor.SeesOnlyOwnTickets, filters, query.Limit);
        var rows = await database.ReadAsync(async (connection, token) =>
            await OwnAsync(connection, null, await TicketRows.QueryAsync(connection, new CommandDefinition(sql, args, cancellationToken: token)), token), ct);
        var more = rows.Count > query.Limit;
        return (more ? rows.Take(query.Limit).ToList() : rows, more);

        void Add(ListFilters filter, string name, object? value)
        {
            if (value is null) return;
            filters |= filter;
            args.Add(name, value);
        }
    }

    /// <summary>Indexes the tickets written before the search index existed; see <see cref="SearchIndex.IndexUnindexedAsync"/>.</summary>
    public Task<int> IndexUnindexedAsync(CancellationToken ct) => _search.IndexUnindexedAsync(ct);

    /// <summary>Up to <paramref name="limit"/> history entries after entry <paramref name="after"/> (0: from the start), oldest first.</summary>
    public Task<IReadOnlyList<StoredHistoryEntry>> HistoryAsync(long ticketId, bool includeInternal, CancellationToken ct, long after = 0, int limit = int.MaxValue) =>
        database.ReadAsync<IReadOnlyList<StoredHistoryEntry>>(async (connection, token) => (await connection.QueryAsync<StoredHistoryEntry>(
            new CommandDefinition(_sql.History, new { ticketId, includeInternal = includeInternal ? 1 : 0, after, limit }, cancellationToken: token))).ToList(), ct);

    /// <summary>Up to <paramref name="limit"/> comments after comment <paramref name="after"/> (0: from the start), oldest first.</summary>
    public Task<IReadOnlyList<StoredComment>> CommentsAsync(long ticketId, bool includeInternal, CancellationToken ct, long after = 0, int limit = int.MaxValue) =>
        database.ReadAsync<IReadOnlyList<StoredComment>>(async (connection, token) => (await connection.QueryAsync<StoredComment>(
            new CommandDefinition(_sql.Comments, new { ticketId, includeInternal = includeInternal ? 1 : 0, after, limit }, cancellationToken: token))).ToList(), ct);

    /// <summary>How many comments the author wrote on the ticket since <paramref name="since"/>, and when the first of them was.</summary>
    private sealed class RecentCommentsRow
    {
        public int Count { get; init; }
        public DateTimeOffset? Oldest { get; init; }
    }

    /// <summary>
    /// Tells each ticket who owns its system at its unit (<see cref="SystemOwnership"/>), with one query for all of them: the
    /// owner entries of their systems at the units on their paths.
    /// </summary>
    private static async Task<List<Ticket>> OwnAsync(DbConnection connection, DbTransaction? transaction, List<Ticket> tickets, CancellationToken ct)
    {
        if (tickets.Count == 0) return tickets;
        var systems = tickets.Select(t => t.SystemId).Distinct().ToArray();
        var paths = tickets.Select(t => t.UnitPath).Distinct().SelectMany(Scope.Ancestors).Distinct().ToArray();
        var entries = (await connection.QueryAsync<OwnerRow>(new CommandDefinition(DepartmentSql.OwnersOnPaths, new { systems, paths },
            transaction, cancellationToken: ct))).ToLookup(e => e.SystemId, e => new OwnerEntry("", e.UnitPath, e.Department));
        foreach (var ticket in tickets) ticket.OwnedBy(SystemOwnership.OwnerFor(entries[ticket.SystemId], ticket.UnitPath));
        return tickets;
    }

    private sealed record OwnerRow(string SystemId, string UnitPath, string Department);

    private sealed class OwnerOfTicket
    {
        public string Department { get; init; } = "";
    }

    private static DynamicParameters ScopeArgs(Actor actor)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        var args = new DynamicParameters(new { ScopeFrom = from, ScopeTo = to });
        if (actor.SeesOnlyOwnTickets) args.Add("ScopeRequester", actor.UserId);
        return args;
    }

    /// <summary>The ticket's new history entries, and in the same transaction the events others must hear about.</summary>
    private async Task AppendHistoryAsync(DbConnection connection, DbTransaction transaction, Ticket ticket, CancellationToken ct)
    {
        var ticketId = ticket.Id;
        foreach (var e in TicketEvents.From(ticket, ticket.Changes))
            await connection.ExecuteKeptAsync(OutboxSql.InsertEvent, e, transaction, ct);
        foreach (var entry in ticket.Changes)
        {
            await connection.ExecuteKeptAsync(_sql.InsertHistory, new
            {
                TicketId = ticketId, entry.At, entry.ActorId, entry.Action, FromStatus = entry.From?.ToString(),
                ToStatus = entry.To?.ToString(), Details = JsonSerializer.Serialize(entry.Details), Internal = entry.Internal,
            }, transaction, ct);
        }
    }

    /// <summary>The ticket's updatable fields as they are stored (in the order of <see cref="TicketSql.UpdatedColumns"/>): taken before a change.</summary>
    internal static object?[] FieldsOf(Ticket ticket)
    {
        var parameters = Parameters(ticket);
        var type = parameters.GetType();
        var getters = _fieldGetters ??= TicketSql.UpdatedColumns.Select(column =>
            PropertyGetter.Compile(type, type.GetProperty(column) ?? throw new InvalidOperationException($"No parameter for {column}."))).ToArray();
        return Array.ConvertAll(getters, get => get(parameters));
    }

    private static Func<object, object?>[]? _fieldGetters;

    /// <summary>The fields the ticket changed since <paramref name="before"/> (<see cref="FieldsOf"/>): bit i for <see cref="TicketSql.UpdatedColumns"/>[i].</summary>
    internal static ulong ChangedFields(object?[] before, Ticket ticket)
    {
        var after = FieldsOf(ticket);
        var changed = 0UL;
        for (var i = 0; i < after.Length; i++)
            if (!Equals(before[i], after[i])) changed |= 1UL << i;
        return changed;
    }

    /// <summary>The ticket's columns as statement arguments; <paramref name="number"/> for an insert, <paramref name="expectedVersion"/> for an update.</summary>
    private static object Parameters(Ticket t, string? number = null, int expectedVersion = 0) => new
    {
        t.Id, Number = number ?? t.Number, t.UnitId, t.UnitPath, t.SystemId, Category = t.Category.ToString(), t.Title, t.Description,
        Impact = t.Impact.ToString(), Urgency = t.Urgency.ToString(), Priority = t.Priority.ToString(), Status = t.Status.ToString(),
        Outcome = t.Outcome?.ToString(), t.GroupId, t.AssigneeId, t.RequesterId, t.CreatedAt, t.UpdatedAt, t.TriagedAt,
        t.ResolvedAt, t.ClosedAt, t.ConfirmationDue, ResolutionCode = t.ResolutionCode?.ToString(), t.Resolution, t.Satisfaction,
        ApprovalStatus = t.ApprovalStatus?.ToString(), t.ApprovalRequestedBy, t.ApprovedBy, t.ApprovedAt,
        t.Effective, t.EvaluatedBy, t.EvaluatedAt, t.EvaluationOverdueNotifiedAt, t.PlanWhat, t.PlanBackup, t.PlanTest,
        t.PlanRollback, t.EscalatedAt, t.SlaPolicyVersion, t.ResponseDue, t.ResolutionDue, SlaState = t.SlaState.ToString(),
        t.ExternalSystem, t.ExternalId, t.ChangeSequence, t.Version, t.RaisedBy, t.HqGroup,
        t.PlanTransport, t.PlanWrittenBy, t.PlanWrittenAt, AssessedRisk = t.AssessedRisk?.ToString(), t.AssessedImpact, t.AssessedBy,
        t.AssessedAt, t.ImplementedAt, t.TestResult, t.InspectionRunId, t.InspectionItem, ExpectedVersion = expectedVersion,
    };

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
