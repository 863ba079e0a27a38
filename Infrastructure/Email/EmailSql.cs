using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Email;

/// <summary>Every statement of the e-mail notifications and the users' e-mail settings, for one dialect.</summary>
public sealed class EmailSql(SqlDialect dialect)
{
    private bool SqlServer => dialect.Provider == DatabaseProvider.SqlServer;

    public const string Settings = "SELECT Email, Language, EmailNotifications FROM Users WHERE Id = @userId";
    public const string SaveSettings = "UPDATE Users SET Email = @email, Language = @language, EmailNotifications = @enabled WHERE Id = @userId";
    public const string SaveOwnSettings = "UPDATE Users SET Language = @language, EmailNotifications = @enabled WHERE Id = @userId";

    public string Unqueued { get; } = dialect.Limit("SELECT Id FROM Notifications WHERE EmailQueuedAt IS NULL ORDER BY Id", "@batch");

    public const string MarkQueued = "UPDATE Notifications SET EmailQueuedAt = @now WHERE Id IN @ids AND EmailQueuedAt IS NULL";

    /// <summary>
    /// The batch's notifications (@ids, made since @since) expanded to one pending e-mail per recipient user who has an
    /// address and has not switched e-mail off, in one statement. A unit's service desk, IT managers or approvers are the
    /// users with that role whose unit is the notification's unit or one above it (as <c>GET /notifications</c> shows it).
    /// </summary>
    public string Expand => $"""
        INSERT INTO EmailDeliveries (NotificationId, UserId, State, Attempts, NextAttemptAt, CreatedAt)
        SELECT r.NotificationId, r.UserId, 'Pending', 0, @now, @now
        FROM (
            SELECT n.Id AS NotificationId, m.UserId FROM Notifications n JOIN GroupMembers m ON m.GroupId = {Recipient} 
            WHERE n.RecipientKind = 'Group' AND n.Id IN @ids
            UNION ALL
            SELECT n.Id, u.Id FROM Notifications n JOIN Users u ON u.Id = {Recipient}
            WHERE n.RecipientKind = 'User' AND n.Id IN @ids
            UNION ALL
            SELECT n.Id, u.Id FROM Notifications n JOIN Users u ON u.DepartmentCode = {Recipient} AND {HasRole("u.Roles", "BusinessApprover")}
            WHERE n.RecipientKind = 'DepartmentApprovers' AND n.Id IN @ids
            UNION ALL
            SELECT n.Id, u.Id FROM Notifications n
            JOIN Units un ON {(SqlServer ? "LEFT(n.Recipient, LEN(un.Path))" : "substr(n.Recipient, 1, length(un.Path))")} = un.Path
            JOIN Users u ON u.UnitId = un.Id
            WHERE n.Id IN @ids AND (
                (n.RecipientKind = 'ServiceDesk' AND {HasRole("u.Roles", "ServiceDesk")})
                OR (n.RecipientKind = 'ItManagers' AND {HasRole("u.Roles", "ItManager")})
                OR (n.RecipientKind = 'Approvers' AND {HasRole("u.Roles", "BusinessApprover")}))
        ) r
        JOIN Users u ON u.Id = r.UserId AND u.Email IS NOT NULL AND u.EmailNotifications = 1
        JOIN Notifications n ON n.Id = r.NotificationId AND n.CreatedAt >= @since
        WHERE NOT EXISTS (SELECT 1 FROM EmailDeliveries d WHERE d.NotificationId = r.NotificationId AND d.UserId = r.UserId)
        """;

    /// <summary>Due e-mails, oldest first, with what they are about and whom they go to (their settings as they are now).</summary>
    public string Due { get; } = dialect.Limit("""
        SELECT d.NotificationId, d.UserId, d.Attempts, u.Name AS UserName, u.Email, u.Language, u.EmailNotifications,
            n.Type, n.TicketId, n.InspectionRunId, n.Subject, n.Details, n.CreatedAt, t.Number AS TicketNumber, t.Title AS TicketTitle
        FROM EmailDeliveries d
        JOIN Users u ON u.Id = d.UserId
        LEFT JOIN Notifications n ON n.Id = d.NotificationId
        LEFT JOIN Tickets t ON t.Id = n.TicketId
        WHERE d.State = 'Pending' AND d.NextAttemptAt <= @now
        ORDER BY d.NextAttemptAt, d.NotificationId, d.UserId
        """, "@batch");

    public const string Sent = """
        UPDATE EmailDeliveries SET State = 'Sent', Attempts = Attempts + 1, LastError = NULL, NextAttemptAt = NULL, SentAt = @now
        WHERE NotificationId = @NotificationId AND UserId = @UserId AND State = 'Pending'
        """;

    public const string Retry = """
        UPDATE EmailDeliveries SET State = @State, Attempts = Attempts + @Attempted, LastError = @Error, NextAttemptAt = @Next
        WHERE NotificationId = @NotificationId AND UserId = @UserId AND State = 'Pending'
        """;

    /// <summary>What a user's e-mails became: newest first (for support questions and tests).</summary>
    public string OfUser { get; } = dialect.Limit("""
        SELECT NotificationId, UserId, State, Attempts, LastError, NextAttemptAt, SentAt FROM EmailDeliveries
        WHERE UserId = @userId ORDER BY NotificationId DESC
        """, "@limit");

    /// <summary>Finished e-mails past the notifications' retention, in batches.</summary>
    public string Purge { get; } = dialect.Provider == DatabaseProvider.SqlServer
        ? "DELETE TOP (1000) FROM EmailDeliveries WHERE State <> 'Pending' AND CreatedAt < @before"
        : "DELETE FROM EmailDeliveries WHERE rowid IN (SELECT rowid FROM EmailDeliveries WHERE State <> 'Pending' AND CreatedAt < @before LIMIT 1000)";

    /// <summary>Recipient compared with a column of the database's default collation (Recipient is binary on SQL Server).</summary>
    private string Recipient => SqlServer ? "n.Recipient COLLATE DATABASE_DEFAULT" : "n.Recipient";

    private string HasRole(string column, string role) => SqlServer
        ? $"CHARINDEX(N',{role},', N',' + {column} + N',') > 0"
        : $"instr(',' || {column} || ',', ',{role},') > 0";

    public IEnumerable<string> All() => [Settings, SaveSettings, SaveOwnSettings, Unqueued, MarkQueued, Expand, Due, Sent, Retry, OfUser, Purge];
}
