using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Sla;

/// <summary>Every statement of the service-level stores and the scheduler, for one dialect.</summary>
public sealed class SlaSql(SqlDialect dialect)
{
    private const string ClockColumns = """
        Id, TicketId, Kind, Calendar, TargetMinutes, PolicyVersion, WarnAtPercent, State, StartedAt, StoppedAt, ElapsedMinutes,
        RunningSince, WarnAt, DueAt, Warned, BreachedAt, NextDeadline, Segments
        """;

    public const string Calendars = "SELECT Code, Definition FROM Calendars ORDER BY Code";
    public const string CalendarExists = "SELECT COUNT(*) FROM Calendars WHERE Code = @code";
    public const string InsertCalendar = "INSERT INTO Calendars (Code, Definition, UpdatedAt) VALUES (@code, @definition, @at)";
    public const string UpdateCalendar = "UPDATE Calendars SET Definition = @definition, UpdatedAt = @at WHERE Code = @code";
    public const string CountPolicies = "SELECT COUNT(*) FROM SlaPolicies";
    public const string LatestPolicyVersion = "SELECT MAX(Version) FROM SlaPolicies";
    public const string Policy = "SELECT Definition FROM SlaPolicies WHERE Version = @version";
    public const string InsertPolicy = "INSERT INTO SlaPolicies (Version, Definition, CreatedAt, CreatedBy) VALUES (@version, @definition, @at, @by)";
    public const string PriorityMatrixCell = "UPDATE PriorityMatrix SET Priority = @priority WHERE Impact = @impact AND Urgency = @urgency";

    public const string ClocksOfTicket = $"SELECT {ClockColumns} FROM SlaClocks WHERE TicketId = @ticketId ORDER BY Id";
    public const string ClocksOfTickets = $"SELECT {ClockColumns} FROM SlaClocks WHERE TicketId IN @ticketIds ORDER BY Id";
    public const string UpdateClock = """
        UPDATE SlaClocks SET Calendar = @Calendar, TargetMinutes = @TargetMinutes, State = @State, StoppedAt = @StoppedAt,
            ElapsedMinutes = @ElapsedMinutes, RunningSince = @RunningSince, WarnAt = @WarnAt, DueAt = @DueAt, Warned = @Warned,
            BreachedAt = @BreachedAt, NextDeadline = @NextDeadline, Segments = @Segments
        WHERE Id = @Id
        """;

    /// <summary>
    /// Copies the ticket's unit path and priority onto its clocks when they differ (new clocks, a reprioritised ticket), in the
    /// ticket's transaction after its row is written: the work report reads clocks by unit and priority without the ticket.
    /// </summary>
    public const string ClocksFollowTicket = """
        UPDATE SlaClocks SET UnitPath = (SELECT t.UnitPath FROM Tickets t WHERE t.Id = @ticketId),
            Priority = (SELECT t.Priority FROM Tickets t WHERE t.Id = @ticketId)
        WHERE TicketId = @ticketId
            AND (UnitPath IS NULL OR Priority IS NULL OR Priority <> (SELECT t.Priority FROM Tickets t WHERE t.Id = @ticketId))
        """;

    public const string InsertNotification = """
        INSERT INTO Notifications (TicketId, InspectionRunId, Subject, Type, RecipientKind, Recipient, CreatedAt, Details)
        VALUES (@TicketId, @InspectionRunId, @Subject, @Type, @RecipientKind, @Recipient, @CreatedAt, @Details)
        """;

    /// <summary>The columns a clock is inserted with (its ticket's unit path and priority follow with <see cref="ClocksFollowTicket"/>).</summary>
    public const string InsertedClockColumns =
        "TicketId, Kind, Calendar, TargetMinutes, PolicyVersion, WarnAtPercent, State, StartedAt, StoppedAt, ElapsedMinutes, RunningSince, WarnAt, DueAt, Warned, BreachedAt, NextDeadline, Segments";

    public const string ClockValues =
        "@TicketId, @Kind, @Calendar, @TargetMinutes, @PolicyVersion, @WarnAtPercent, @State, @StartedAt, @StoppedAt, @ElapsedMinutes, @RunningSince, @WarnAt, @DueAt, @Warned, @BreachedAt, @NextDeadline, @Segments";

    public string InsertClock { get; } = dialect.InsertReturningId("SlaClocks", InsertedClockColumns, ClockValues);

    /// <summary>Tickets with a clock whose next deadline has come, earliest first (served by the filtered NextDeadline index).</summary>
    public string DueTickets { get; } = dialect.Limit(
        "SELECT TicketId FROM SlaClocks WHERE NextDeadline IS NOT NULL AND NextDeadline <= @now ORDER BY NextDeadline", "@batch");

    /// <summary>Resolved tickets whose confirmation window has passed, except changes (@changes): they are evaluated, never auto-closed.</summary>
    public string AutoCloseDue { get; } = dialect.Limit(
        "SELECT Id FROM Tickets WHERE Status = 'Resolved' AND ConfirmationDue <= @now AND Category NOT IN @changes ORDER BY ConfirmationDue", "@batch");

    /// <summary>Resolved changes whose confirmation window has passed without an evaluation, not yet notified as overdue.</summary>
    public string EvaluationOverdue { get; } = dialect.Limit("""
        SELECT Id FROM Tickets
        WHERE Status = 'Resolved' AND ConfirmationDue <= @now AND Category IN @changes AND EvaluationOverdueNotifiedAt IS NULL
        ORDER BY ConfirmationDue
        """, "@batch");

    /// <summary>The earliest instant after @after at which a scheduler pass has something to do (the demo history runs its passes then).</summary>
    public string NextDue { get; } = """
        SELECT MIN(d.Due) FROM (
            SELECT MIN(NextDeadline) AS Due FROM SlaClocks WHERE NextDeadline > @after
            UNION ALL
            SELECT MIN(ConfirmationDue) AS Due FROM Tickets
            WHERE Status = 'Resolved' AND ConfirmationDue > @after AND (Category NOT IN @changes OR EvaluationOverdueNotifiedAt IS NULL)
        ) AS d
        """;

    public string Notifications(bool before) => dialect.Limit(
        $"SELECT Id, TicketId, InspectionRunId, Subject, Type, RecipientKind, Recipient, CreatedAt, Details FROM Notifications WHERE ({ForCaller})" +
        (before ? " AND Id < @before" : "") + " ORDER BY Id DESC", "@limit");

    private const string ForCaller = """
        (RecipientKind = 'Group' AND Recipient IN @groups)
        OR (RecipientKind = 'ItManagers' AND @isManager = 1 AND Recipient >= @from AND Recipient < @to)
        OR (RecipientKind = 'ServiceDesk' AND @isDesk = 1 AND Recipient >= @from AND Recipient < @to)
        OR (RecipientKind = 'Approvers' AND @isApprover = 1 AND Recipient >= @from AND Recipient < @to)
        OR (RecipientKind = 'DepartmentApprovers' AND @isApprover = 1 AND Recipient = @department)
        OR (RecipientKind = 'User' AND Recipient = @user)
        """;

    public IEnumerable<string> All() =>
    [
        Calendars, CalendarExists, InsertCalendar, UpdateCalendar, CountPolicies, LatestPolicyVersion, Policy, InsertPolicy, PriorityMatrixCell,
        ClocksOfTicket, ClocksOfTickets, UpdateClock, ClocksFollowTicket, InsertNotification, InsertClock, DueTickets, AutoCloseDue, EvaluationOverdue, NextDue,
        Notifications(false), Notifications(true),
    ];
}
