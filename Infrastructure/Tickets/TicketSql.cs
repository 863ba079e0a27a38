using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Tickets;

/// <summary>Every statement the ticket store sends, for one dialect. The T-SQL parse test reads them all from here.</summary>
public sealed class TicketSql
{
    public const string Columns = """
        Id, Number, UnitId, UnitPath, SystemId, Category, Title, Description, Impact, Urgency, Priority, Status, Outcome,
        GroupId, AssigneeId, RequesterId, CreatedAt, UpdatedAt, TriagedAt, ResolvedAt, ClosedAt, ConfirmationDue,
        ResolutionCode, Resolution, Satisfaction, ApprovalStatus, ApprovalRequestedBy, ApprovedBy, ApprovedAt,
        Effective, EvaluatedBy, EvaluatedAt, EvaluationOverdueNotifiedAt, PlanWhat, PlanBackup, PlanTest,
        PlanRollback, EscalatedAt, SlaPolicyVersion, ResponseDue, ResolutionDue, SlaState, ExternalSystem, ExternalId,
        ChangeSequence, Version, RaisedBy, HqGroup,
        PlanTransport, PlanWrittenBy, PlanWrittenAt, AssessedRisk, AssessedImpact, AssessedBy, AssessedAt, ImplementedAt, TestResult,
        InspectionRunId, InspectionItem
        """;

    private static readonly string[] InsertedColumns = Columns.Split(',').Select(c => c.Trim()).Skip(1).ToArray();

    private readonly Search.SearchSql _search;

    public TicketSql(SqlDialect dialect)
    {
        Dialect = dialect;
        _search = new Search.SearchSql(dialect);
        NextNumber = dialect.NextTicketNumber;
        NextChange = dialect.NextChangeSequence;
        Insert = dialect.InsertReturningId("Tickets", string.Join(", ", InsertedColumns), string.Join(", ", InsertedColumns.Select(c => "@" + c)));
        InsertComment = dialect.InsertReturningId("TicketComments", "TicketId, At, AuthorId, Visibility, Body", "@TicketId, @At, @AuthorId, @Visibility, @Body");
        var length = dialect.Provider == DatabaseProvider.Sqlite ? "length" : "LEN";
        OwnerOfOne = $"""
            SELECT o.DepartmentCode AS Department FROM SystemOwners o JOIN Units u ON u.Id = o.UnitId
            WHERE o.SystemId = @SystemId AND u.Path = (
                SELECT MAX(u2.Path) FROM SystemOwners o2 JOIN Units u2 ON u2.Id = o2.UnitId
                WHERE o2.SystemId = @SystemId AND SUBSTRING(@UnitPath, 1, {length}(u2.Path)) = u2.Path)
            """;
    }

    /// <summary>
    /// The department owning one ticket's system at its unit: the owner entry of the longest unit path that begins the
    /// ticket's (paths on one path compare in the order of their length). Fixed parameters, so that it stays prepared.
    /// </summary>
    public string OwnerOfOne { get; }

    public SqlDialect Dialect { get; }

    public string NextNumber { get; }

    public string NextChange { get; }

    public string SetChange { get; } = "UPDATE Tickets SET ChangeSequence = @ChangeSequence WHERE Id = @Id";

    public string ByExternalRef { get; } =
        $"SELECT {Columns} FROM Tickets WHERE RaisedBy = @RaisedBy AND ExternalSystem = @System AND ExternalId = @ExternalId";

    public string Insert { get; }

    public string ByInspectionItem { get; } = $"SELECT {Columns} FROM Tickets WHERE InspectionRunId = @RunId AND InspectionItem = @Item";

    /// <summary>The finding tickets of a run, by item code.</summary>
    public string FindingsOfRun { get; } = "SELECT InspectionItem, Id FROM Tickets WHERE InspectionRunId = @RunId";

    /// <summary>The fields a change may write (all but the identity, the number, the creation and the service-level fields).</summary>
    public static readonly IReadOnlyList<string> UpdatedColumns =
    [
        "Title", "Description", "SystemId", "Category", "Impact", "Urgency", "Priority", "Status", "Outcome",
        "GroupId", "AssigneeId", "UpdatedAt", "TriagedAt", "ResolvedAt",
        "ClosedAt", "ConfirmationDue", "ResolutionCode", "Resolution",
        "Satisfaction", "ApprovalStatus", "ApprovalRequestedBy",
        "ApprovedBy", "ApprovedAt", "Effective", "EvaluatedBy", "EvaluatedAt",
        "PlanWhat", "PlanBackup", "PlanTest", "PlanRollback",
        "PlanTransport", "PlanWrittenBy", "PlanWrittenAt",
        "AssessedRisk", "AssessedImpact", "AssessedBy", "AssessedAt",
        "ImplementedAt", "TestResult",
        "EscalatedAt", "HqGroup",
    ];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, string> _updates = new();

    /// <summary>With <see cref="UpdateOf"/>: the update writes the ticket's change sequence too.</summary>
    public const ulong WithChangeSequence = 1UL << 63;

    /// <summary>Writes every field as a new version if the ticket is still at the expected version.</summary>
    public string Update => UpdateOf(ulong.MaxValue >> (64 - UpdatedColumns.Count));

    /// <summary>
    /// Writes the fields of <paramref name="changed"/> (bit i: <see cref="UpdatedColumns"/>[i]) as a new version if the ticket is
    /// still at the expected version. A field written, even with its own value, rewrites every index that holds it: writing
    /// only what the change changed spares the others (one statement per set of fields, kept like any other).
    /// </summary>
    public string UpdateOf(ulong changed) => _updates.GetOrAdd(changed, bits =>
    {
        var set = UpdatedColumns.Where((_, i) => (bits & (1UL << i)) != 0).Select(c => $"{c} = @{c}")
            .Concat((bits & WithChangeSequence) != 0 ? ["ChangeSequence = @ChangeSequence"] : []).Append("Version = Version + 1");
        return $"UPDATE Tickets SET {string.Join(", ", set)} WHERE Id = @Id AND Version = @ExpectedVersion";
    });

    /// <summary>
    /// The service-level fields alone: they do not change the ticket's version (its ETag). The evaluation-overdue marker is
    /// one: the scheduler sets it on a resolved change under the row lock; a new resolution clears it.
    /// </summary>
    public string UpdateSla { get; } = """
        UPDATE Tickets SET ResponseDue = @ResponseDue, ResolutionDue = @ResolutionDue, SlaState = @SlaState,
            EvaluationOverdueNotifiedAt = @EvaluationOverdueNotifiedAt
        WHERE Id = @Id
        """;

    public string InsertHistory { get; } = """
        INSERT INTO TicketHistory (TicketId, At, ActorId, Action, FromStatus, ToStatus, Details, Internal)
        VALUES (@TicketId, @At, @ActorId, @Action, @FromStatus, @ToStatus, @Details, @Internal)
        """;

    public string InsertComment { get; }

    /// <summary>A page of the ticket's history, oldest first, after entry @after.</summary>
    public string History => Dialect.Limit("""
        SELECT Id, At, ActorId, Action, FromStatus, ToStatus, Details, Internal FROM TicketHistory
        WHERE TicketId = @ticketId AND Id > @after AND (Internal = 0 OR @includeInternal = 1) ORDER BY Id
        """, "@limit");

    /// <summary>A page of the ticket's comments, oldest first, after comment @after.</summary>
    public string Comments => Dialect.Limit("""
        SELECT Id, At, AuthorId, Visibility, Body FROM TicketComments
        WHERE TicketId = @ticketId AND Id > @after AND (Visibility = 'Public' OR @includeInternal = 1) ORDER BY Id
        """, "@limit");

    /// <summary>How many comments @authorId wrote on the ticket after @since, and the first of them: the per-minute limit.</summary>
    public const string RecentComments = """
        SELECT COUNT(*) AS Count, MIN(At) AS Oldest FROM TicketComments WHERE TicketId = @ticketId AND AuthorId = @authorId AND At > @since
        """;

    /// <summary>The caller's scope: its unit subtree as a path range, and for requesters their own tickets.</summary>
    public static string Scope(bool ownOnly) =>
        "UnitPath >= @ScopeFrom AND UnitPath < @ScopeTo" + (ownOnly ? " AND RequesterId = @ScopeRequester" : "");

    public string Lock { get; } = "UPDATE Tickets SET Version = Version WHERE Id IN @ids";

    public string GetMany { get; } = $"SELECT {Columns} FROM Tickets WHERE Id IN @ids";

    /// <summary>One ticket in the caller's scope; requesters pass themselves as @ScopeRequester, everyone else null.</summary>
    public string GetInScope { get; } =
        $"SELECT {Columns} FROM Tickets WHERE Id = @Id AND UnitPath >= @ScopeFrom AND UnitPath < @ScopeTo AND (@ScopeRequester IS NULL OR RequesterId = @ScopeRequester)";

    /// <summary>The list query for the filters that are set, newest first, one row more than the page to know if more follow.</summary>
    public string List(bool ownOnly, ListFilters filters, int limit)
    {
        // A search reads the matching tickets from the index, newest first (see SearchSql.ListFrom).
        var search = filters.HasFlag(ListFilters.Search);
        var id = search ? _search.ListId : "Id";
        // SQLite plans without statistics, and a unit subtree is a range of paths, whose index cannot give the newest first: it
        // would read and sort every ticket of the subtree (at 10 million tickets, seconds). Unary + keeps the planner off the
        // path indexes, so it walks the key (or a filter's index, which all end in Id) newest first and stops after one page.
        var path = Dialect.Provider == DatabaseProvider.Sqlite ? "+UnitPath" : "UnitPath";
        var where = new List<string> { $"{path} >= @ScopeFrom AND {path} < @ScopeTo" + (ownOnly ? " AND RequesterId = @ScopeRequester" : "") };
        if (filters.HasFlag(ListFilters.Status)) where.Add("Status IN @Statuses");
        if (filters.HasFlag(ListFilters.Category)) where.Add("Category = @Category");
        if (filters.HasFlag(ListFilters.Priority)) where.Add("Priority = @Priority");
        if (filters.HasFlag(ListFilters.Unit)) where.Add($"{path} >= @UnitFrom AND {path} < @UnitTo");
        if (filters.HasFlag(ListFilters.Group)) where.Add("GroupId = @GroupId");
        if (filters.HasFlag(ListFilters.Assignee)) where.Add("AssigneeId = @AssigneeId");
        if (filters.HasFlag(ListFilters.System)) where.Add("SystemId = @SystemId");
        if (filters.HasFlag(ListFilters.Requester)) where.Add("RequesterId = @RequesterId");
        if (filters.HasFlag(ListFilters.Text)) where.Add(@"Title LIKE @Text ESCAPE '\'");
        if (filters.HasFlag(ListFilters.CreatedFrom)) where.Add("CreatedAt >= @CreatedFrom");
        if (filters.HasFlag(ListFilters.CreatedTo)) where.Add("CreatedAt < @CreatedTo");
        if (filters.HasFlag(ListFilters.SlaState)) where.Add("SlaState = @SlaState");
        if (filters.HasFlag(ListFilters.Before)) where.Add($"{id} < @BeforeId");
        if (filters.HasFlag(ListFilters.ChangedAfter)) where.Add("ChangeSequence > @ChangedAfter");
        if (search) where.Add(_search.Matches);
        var order = filters.HasFlag(ListFilters.ChangedAfter) ? "ChangeSequence" : $"{id} DESC";
        return Dialect.Limit($"SELECT {Columns} FROM {(search ? _search.ListFrom : "Tickets")} WHERE {string.Join(" AND ", where)} ORDER BY {order}",
            (limit + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Every statement this store can send: the fixed ones and the list query with every filter off and on.</summary>
    public IEnumerable<string> All()
    {
        yield return NextNumber;
        yield return NextChange;
        yield return SetChange;
        yield return ByExternalRef;
        yield return Insert;
        yield return Update;
        yield return UpdateOf(WithChangeSequence);
        yield return UpdateSla;
        yield return GetMany;
        yield return GetInScope;
        yield return OwnerOfOne;
        yield return Lock;
        yield return InsertHistory;
        yield return InsertComment;
        yield return History;
        yield return Comments;
        yield return RecentComments;
        foreach (var ownOnly in new[] { false, true })
        {
            yield return List(ownOnly, ListFilters.None, 25);
            yield return List(ownOnly, Enum.GetValues<ListFilters>().Aggregate((a, b) => a | b), 200);
            foreach (var filter in Enum.GetValues<ListFilters>().Where(f => f != ListFilters.None))
                yield return List(ownOnly, filter, 25);
        }
    }
}

[Flags]
public enum ListFilters
{
    None = 0,
    Status = 1 << 0,
    Category = 1 << 1,
    Priority = 1 << 2,
    Unit = 1 << 3,
    Group = 1 << 4,
    Assignee = 1 << 5,
    System = 1 << 6,
    Requester = 1 << 7,
    Text = 1 << 8,
    CreatedFrom = 1 << 9,
    CreatedTo = 1 << 10,
    Before = 1 << 11,
    SlaState = 1 << 12,
    /// <summary>Changes after a change sequence, oldest first (the poller's view); replaces <see cref="Before"/>.</summary>
    ChangedAfter = 1 << 13,
    /// <summary>Full-text search: every term of the query (see SearchIndex).</summary>
    Search = 1 << 14,
}
