using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Tickets;

/// <summary>Every statement of watchers and links, for one dialect. The T-SQL parse test reads them all from here.</summary>
public sealed class TicketWorkSql(SqlDialect dialect)
{
    public const string IsWatching = "SELECT COUNT(*) FROM TicketWatchers WHERE TicketId = @TicketId AND UserId = @UserId";

    public const string Watchers = "SELECT TicketId, UserId, AddedBy, AddedAt FROM TicketWatchers WHERE TicketId = @TicketId ORDER BY AddedAt, UserId";

    public const string WatchersOfTickets = "SELECT TicketId, UserId FROM TicketWatchers WHERE TicketId IN @ids";

    /// <summary>The watchers of one ticket (@id): a fixed text, so that the writer keeps it prepared.</summary>
    public const string WatchersOfTicket = "SELECT TicketId, UserId FROM TicketWatchers WHERE TicketId = @id";

    /// <summary>The watchers (@ids) as readers of notifications: their unit, roles, department (and, below, groups).</summary>
    public const string WatchersAsReaders = """
        SELECT u.Id, u.Name, u.UnitId, un.Path AS UnitPath, u.Roles, u.DepartmentCode AS Department
        FROM Users u JOIN Units un ON un.Id = u.UnitId WHERE u.Id IN @ids
        """;

    public const string GroupsOfWatchers = "SELECT UserId, GroupId FROM GroupMembers WHERE UserId IN @ids";

    public const string AddWatcher = "INSERT INTO TicketWatchers (TicketId, UserId, AddedBy, AddedAt) VALUES (@TicketId, @UserId, @AddedBy, @AddedAt)";

    public const string RemoveWatcher = "DELETE FROM TicketWatchers WHERE TicketId = @TicketId AND UserId = @UserId";

    public string AddLink { get; } = dialect.InsertReturningId("TicketLinks", "Type, FromTicketId, ToTicketId, CreatedBy, CreatedAt",
        "@Type, @FromTicketId, @ToTicketId, @CreatedBy, @CreatedAt");

    public const string RemoveLink = "DELETE FROM TicketLinks WHERE Id = @Id AND (FromTicketId = @TicketId OR ToTicketId = @TicketId)";

    /// <summary>A ticket's links in both directions, oldest first.</summary>
    public const string LinksOf = """
        SELECT Id, Type, FromTicketId AS "From", ToTicketId AS "To", CreatedBy, CreatedAt FROM TicketLinks
        WHERE FromTicketId = @TicketId OR ToTicketId = @TicketId ORDER BY Id
        """;

    /// <summary>One step along links of a type: where the tickets @ids lead.</summary>
    public const string LinkedFrom = "SELECT ToTicketId FROM TicketLinks WHERE FromTicketId IN @ids AND Type = @Type";

    /// <summary>A major incident's children.</summary>
    public const string Children = "SELECT FromTicketId FROM TicketLinks WHERE ToTicketId = @TicketId AND Type = 'ChildOf' ORDER BY FromTicketId";

    /// <summary>A major incident just resolved owes its children their resolution, if it has any (again after a reopen).</summary>
    public const string ForgetChildrenOwed = "DELETE FROM MajorIncidentChildrenOwed WHERE TicketId = @TicketId";

    public const string OweChildren = """
        INSERT INTO MajorIncidentChildrenOwed (TicketId, ResolvedBy, MarkedAt) SELECT @TicketId, @ResolvedBy, @MarkedAt
        WHERE EXISTS (SELECT 1 FROM TicketLinks WHERE ToTicketId = @TicketId AND Type = 'ChildOf')
        """;

    public const string ChildrenOwedBy = "SELECT ResolvedBy FROM MajorIncidentChildrenOwed WHERE TicketId = @TicketId";

    /// <summary>Major incidents whose children are still owed their resolution, oldest first.</summary>
    public string ChildrenOwed { get; } = dialect.Limit("SELECT TicketId FROM MajorIncidentChildrenOwed ORDER BY MarkedAt, TicketId", "@Batch");

    public IEnumerable<string> All() =>
        [IsWatching, Watchers, WatchersOfTickets, WatchersOfTicket, WatchersAsReaders, GroupsOfWatchers, AddWatcher, RemoveWatcher, AddLink, RemoveLink, LinksOf, LinkedFrom, Children,
         ForgetChildrenOwed, OweChildren, ChildrenOwedBy, ChildrenOwed];
}
