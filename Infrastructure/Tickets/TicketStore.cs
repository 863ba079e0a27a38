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
    private const string Columns = """
        Id, Number, UnitId, UnitPath, SystemId, Category, Title, Description, Impact, Urgency, Priority, Status, Outcome,
        GroupId, AssigneeId, RequesterId, CreatedAt, UpdatedAt, TriagedAt, ResolvedAt, ClosedAt, ConfirmationDue,
        ResolutionCode, Resolution, Satisfaction, ApprovalStatus, ApprovalRequestedBy, PlanWhat, PlanBackup, PlanTest,
        PlanRollback, EscalatedAt, Version
        """;

    private static readonly string InsertValues = string.Join(", ", Columns.Split(',').Select(c => "@" + c.Trim()).Skip(1));
    private static readonly string InsertColumns = string.Join(", ", Columns.Split(',').Select(c => c.Trim()).Skip(1));

    private const string UpdateSet = """
        Category = @Category, Impact = @Impact, Urgency = @Urgency, Priority = @Priority, Status = @Status, Outcome = @Outcome,
        GroupId = @GroupId, AssigneeId = @AssigneeId, UpdatedAt = @UpdatedAt, TriagedAt = @TriagedAt, ResolvedAt = @ResolvedAt,
        ClosedAt = @ClosedAt, ConfirmationDue = @ConfirmationDue, ResolutionCode = @ResolutionCode, Resolution = @Resolution,
        Satisfaction = @Satisfaction, ApprovalStatus = @ApprovalStatus, ApprovalRequestedBy = @ApprovalRequestedBy,
        PlanWhat = @PlanWhat, PlanBackup = @PlanBackup, PlanTest = @PlanTest, PlanRollback = @PlanRollback,
        EscalatedAt = @EscalatedAt, Version = Version + 1
        """;

    /// <summary>Stores a new ticket with its number (per unit and year) and its first history entry, in one transaction.</summary>
    public async Task InsertAsync(Ticket ticket, CancellationToken ct)
    {
        var (connection, transaction) = await database.BeginAsync(ct);
        await using (connection)
        await using (transaction)
        {
            var year = ticket.CreatedAt.UtcDateTime.Year;
            var sequence = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                database.Dialect.NextTicketNumber, new { ticket.UnitId, Year = year }, transaction, cancellationToken: ct));
            var number = $"{ticket.UnitId}-{year}-{sequence:D6}";
            var args = Parameters(ticket);
            args.Add("Number", number);
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                database.Dialect.InsertReturningId("Tickets", InsertColumns, InsertValues), args, transaction, cancellationToken: ct));
            ticket.Identify(id, number);
            await AppendHistoryAsync(connection, transaction, ticket, ct);
            await transaction.CommitAsync(ct);
        }
        ticket.Saved(ticket.Version);
    }

    /// <summary>Saves a change if nobody else changed the ticket since <paramref name="expectedVersion"/>; false when stale.</summary>
    public async Task<bool> UpdateAsync(Ticket ticket, int expectedVersion, CancellationToken ct)
    {
        var (connection, transaction) = await database.BeginAsync(ct);
        await using (connection)
        await using (transaction)
        {
            var args = Parameters(ticket);
            args.Add("ExpectedVersion", expectedVersion);
            var rows = await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE Tickets SET {UpdateSet} WHERE Id = @Id AND Version = @ExpectedVersion", args, transaction, cancellationToken: ct));
            if (rows == 0) return false;
            await AppendHistoryAsync(connection, transaction, ticket, ct);
            await transaction.CommitAsync(ct);
        }
        ticket.Saved(expectedVersion + 1);
        return true;
    }

    /// <summary>Adds a comment and its history entry; comments do not change the ticket's version.</summary>
    public async Task<StoredComment> AddCommentAsync(Ticket ticket, CommentVisibility visibility, string body, CancellationToken ct)
    {
        var entry = ticket.Changes.Single();
        var (connection, transaction) = await database.BeginAsync(ct);
        await using (connection)
        await using (transaction)
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                database.Dialect.InsertReturningId("TicketComments", "TicketId, At, AuthorId, Visibility, Body", "@TicketId, @At, @AuthorId, @Visibility, @Body"),
                new { TicketId = ticket.Id, entry.At, AuthorId = entry.ActorId, Visibility = visibility.ToString(), Body = body },
                transaction, cancellationToken: ct));
            await AppendHistoryAsync(connection, transaction, ticket, ct);
            await transaction.CommitAsync(ct);
            ticket.Saved(ticket.Version);
            return new StoredComment { Id = id, At = entry.At, AuthorId = entry.ActorId, Visibility = visibility, Body = body };
        }
    }

    public async Task<Ticket?> GetAsync(long id, Actor actor, CancellationToken ct)
    {
        var (scope, args) = ScopeFilter(actor);
        args.Add("Id", id);
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Ticket>(new CommandDefinition(
            $"SELECT {Columns} FROM Tickets WHERE Id = @Id AND {scope}", args, cancellationToken: ct));
    }

    /// <summary>One page, newest first (keyset on Id), plus whether more follow.</summary>
    public async Task<(IReadOnlyList<Ticket> Items, bool More)> ListAsync(TicketQuery query, Actor actor, CancellationToken ct)
    {
        var (scope, args) = ScopeFilter(actor);
        var where = new List<string> { scope };
        if (query.Statuses is { Count: > 0 })
        {
            where.Add("Status IN @Statuses");
            args.Add("Statuses", query.Statuses.Select(s => s.ToString()).ToArray());
        }
        Add("Category = @Category", "Category", query.Category?.ToString());
        Add("Priority = @Priority", "Priority", query.Priority?.ToString());
        if (query.UnitPath is { } unitPath)
        {
            var (from, to) = Scope.Range(unitPath);
            where.Add("UnitPath >= @UnitFrom AND UnitPath < @UnitTo");
            args.Add("UnitFrom", from);
            args.Add("UnitTo", to);
        }
        Add("GroupId = @GroupId", "GroupId", query.GroupId);
        Add("AssigneeId = @AssigneeId", "AssigneeId", query.AssigneeId);
        Add("SystemId = @SystemId", "SystemId", query.SystemId);
        Add("RequesterId = @RequesterId", "RequesterId", query.RequesterId);
        Add(@"Title LIKE @Text ESCAPE '\'", "Text", query.Text is null ? null : "%" + EscapeLike(query.Text) + "%");
        Add("CreatedAt >= @CreatedFrom", "CreatedFrom", query.CreatedFrom);
        Add("CreatedAt < @CreatedTo", "CreatedTo", query.CreatedTo);
        Add("Id < @BeforeId", "BeforeId", query.BeforeId);

        var sql = database.Dialect.Limit($"SELECT {Columns} FROM Tickets WHERE {string.Join(" AND ", where)} ORDER BY Id DESC", query.Limit + 1);
        await using var connection = await database.OpenAsync(ct);
        var rows = (await connection.QueryAsync<Ticket>(new CommandDefinition(sql, args, cancellationToken: ct))).ToList();
        var more = rows.Count > query.Limit;
        return (more ? rows.Take(query.Limit).ToList() : rows, more);

        void Add(string condition, string name, object? value)
        {
            if (value is null) return;
            where.Add(condition);
            args.Add(name, value);
        }
    }

    public async Task<IReadOnlyList<StoredHistoryEntry>> HistoryAsync(long ticketId, bool includeInternal, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<StoredHistoryEntry>(new CommandDefinition(
            "SELECT Id, At, ActorId, Action, FromStatus, ToStatus, Details, Internal FROM TicketHistory " +
            "WHERE TicketId = @ticketId AND (Internal = 0 OR @includeInternal = 1) ORDER BY Id",
            new { ticketId, includeInternal = includeInternal ? 1 : 0 }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<StoredComment>> CommentsAsync(long ticketId, bool includeInternal, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<StoredComment>(new CommandDefinition(
            "SELECT Id, At, AuthorId, Visibility, Body FROM TicketComments " +
            "WHERE TicketId = @ticketId AND (Visibility = 'Public' OR @includeInternal = 1) ORDER BY Id",
            new { ticketId, includeInternal = includeInternal ? 1 : 0 }, cancellationToken: ct))).ToList();
    }

    private static (string Sql, DynamicParameters Args) ScopeFilter(Actor actor)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        var args = new DynamicParameters(new { ScopeFrom = from, ScopeTo = to });
        var sql = "UnitPath >= @ScopeFrom AND UnitPath < @ScopeTo";
        if (actor.SeesOnlyOwnTickets)
        {
            sql += " AND RequesterId = @ScopeRequester";
            args.Add("ScopeRequester", actor.UserId);
        }
        return (sql, args);
    }

    private static async Task AppendHistoryAsync(DbConnection connection, DbTransaction transaction, Ticket ticket, CancellationToken ct)
    {
        foreach (var entry in ticket.Changes)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO TicketHistory (TicketId, At, ActorId, Action, FromStatus, ToStatus, Details, Internal) " +
                "VALUES (@TicketId, @At, @ActorId, @Action, @FromStatus, @ToStatus, @Details, @Internal)",
                new
                {
                    TicketId = ticket.Id, entry.At, entry.ActorId, entry.Action, FromStatus = entry.From?.ToString(),
                    ToStatus = entry.To?.ToString(), Details = JsonSerializer.Serialize(entry.Details), Internal = entry.Internal ? 1 : 0,
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
