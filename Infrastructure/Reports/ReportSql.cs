using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Reports;

/// <summary>Which tickets a report covers: the unit alone or its subtree, all systems or some.</summary>
public readonly record struct ReportScope(bool Subunits, bool Systems);

/// <summary>
/// Every statement of the work report, for one dialect and scope. Each returns aggregated rows (counts and sums grouped by
/// a few small dimensions), never tickets; each reads the report indexes of V0031 and V0037 over the scope and the half-open period
/// [@From, @To).
/// </summary>
public sealed class ReportSql(SqlDialect dialect)
{
    /// <summary>The statuses of a ticket still being worked on.</summary>
    public static readonly string[] OpenStatuses = ["New", "Triaged", "InProgress", "OnHold", "PendingApproval", "EscalatedToHq", "Resolved"];

    /// <summary>
    /// The scope as equalities on the unit path: a subtree is the exact list of its units' paths, so each index (unit path,
    /// instant, …) is sought once per unit and then read over the period's range only. A range over the paths would read
    /// every row of the subtree, whatever the period.
    /// </summary>
    private static string Where(ReportScope scope, string alias = "t") =>
        (scope.Subunits
            ? $"{alias}.UnitPath IN (SELECT s.Path FROM Units s WHERE s.Path >= @ScopeFrom AND s.Path < @ScopeTo)"
            : $"{alias}.UnitPath = @ScopeFrom")
        + (scope.Systems ? $" AND {alias}.SystemId IN @Systems" : "");

    /// <summary>
    /// The dimensions a volume is broken down by. The line comes from the ticket's group, read once per report
    /// (<see cref="GroupLines"/>) rather than joined for every ticket.
    /// </summary>
    private const string Dimensions = "t.Category, t.Priority, t.SystemId, t.UnitPath, t.GroupId";

    /// <summary>Each support group's line.</summary>
    public const string GroupLines = "SELECT Id, Line FROM SupportGroups";

    /// <summary>Tickets raised in the period by category, priority, system, unit and the line of their group.</summary>
    public static string Raised(ReportScope scope) => $"""
        SELECT {Dimensions}, COUNT(*) AS N, 0 AS Escalated
        FROM Tickets t
        WHERE {Where(scope)} AND t.CreatedAt >= @From AND t.CreatedAt < @To
        GROUP BY {Dimensions}
        """;

    /// <summary>Tickets whose (last) resolution fell in the period, and how many of them were escalated to HQ.</summary>
    public static string Resolved(ReportScope scope) => $"""
        SELECT {Dimensions}, COUNT(*) AS N,
            SUM(CASE WHEN t.EscalatedAt IS NOT NULL THEN 1 ELSE 0 END) AS Escalated
        FROM Tickets t
        WHERE {Where(scope)} AND t.ResolvedAt >= @From AND t.ResolvedAt < @To
        GROUP BY {Dimensions}
        """;

    /// <summary>Tickets closed in the period (not cancelled), with the outcome and the satisfaction given.</summary>
    public static string Closed(ReportScope scope) => $"""
        SELECT {Dimensions}, t.Outcome, t.Satisfaction, COUNT(*) AS N
        FROM Tickets t
        WHERE {Where(scope)} AND t.ClosedAt >= @From AND t.ClosedAt < @To AND t.Status = 'Closed'
        GROUP BY {Dimensions}, t.Outcome, t.Satisfaction
        """;

    /// <summary>Open at the period's end, part one: raised before it and still open now (the status index).</summary>
    public static string OpenNow(ReportScope scope) => $"""
        SELECT {Dimensions}, COUNT(*) AS N, 0 AS Escalated
        FROM Tickets t
        WHERE {Where(scope)} AND t.Status IN @OpenStatuses AND t.CreatedAt < @To
        GROUP BY {Dimensions}
        """;

    /// <summary>Open at the period's end, part two: raised before it and closed or cancelled after it.</summary>
    /// <remarks>
    /// Read by closing time (few tickets close after a period's end, all were raised before it): SQLite, which keeps no
    /// histogram, would pick the creation index and read every earlier ticket, so the creation bound is written <c>+t.CreatedAt</c>
    /// there, SQLite's way of keeping a term from choosing the index.
    /// </remarks>
    public string ClosedAfter(ReportScope scope) => $"""
        SELECT {Dimensions}, COUNT(*) AS N, 0 AS Escalated
        FROM Tickets t
        WHERE {Where(scope)} AND t.ClosedAt >= @To AND {(dialect.Provider == DatabaseProvider.SqlServer ? "" : "+")}t.CreatedAt < @To
        GROUP BY {Dimensions}
        """;

    /// <summary>Clocks that ended Met or Breached in the period: by kind, priority and state, with their business minutes.</summary>
    /// <remarks>A clock carries its ticket's unit path and priority; the system filter alone needs the ticket.</remarks>
    public static string Clocks(ReportScope scope) => $"""
        SELECT c.Kind, c.Priority, c.State, COUNT(*) AS N, SUM(c.ElapsedMinutes) AS Minutes
        FROM SlaClocks c
        WHERE {ClockScope(scope)} AND c.StoppedAt >= @From AND c.StoppedAt < @To AND c.State IN ('Met', 'Breached')
        GROUP BY c.Kind, c.Priority, c.State
        """;

    private static string ClockScope(ReportScope scope) =>
        Where(scope with { Systems = false }, "c")
        + (scope.Systems ? " AND EXISTS (SELECT 1 FROM Tickets t WHERE t.Id = c.TicketId AND t.SystemId IN @Systems)" : "");

    /// <summary>The business minutes of the clock of @Kind at rank @Offset (0-based, ascending) among those that ended in the period.</summary>
    public string ClockMinutesAt(ReportScope scope) => $"""
        SELECT c.ElapsedMinutes
        FROM SlaClocks c
        WHERE {ClockScope(scope)} AND c.StoppedAt >= @From AND c.StoppedAt < @To AND c.State IN ('Met', 'Breached') AND c.Kind = @Kind
        ORDER BY c.ElapsedMinutes
        """ + (dialect.Provider == DatabaseProvider.SqlServer ? " OFFSET @Offset ROWS FETCH NEXT 1 ROWS ONLY" : " LIMIT 1 OFFSET @Offset");

    /// <summary>Reopens recorded in the period.</summary>
    public static string Reopens(ReportScope scope) => $"""
        SELECT COUNT(*) FROM TicketHistory h JOIN Tickets t ON t.Id = h.TicketId
        WHERE h.Action = 'reopen' AND h.At >= @From AND h.At < @To AND {Where(scope)}
        """;

    /// <summary>Changes approved in the period.</summary>
    public static string Approved(ReportScope scope) => $"""
        SELECT COUNT(*) FROM Tickets t WHERE t.ApprovedAt >= @From AND t.ApprovedAt < @To AND {Where(scope)}
        """;

    /// <summary>Changes evaluated in the period, and how many of them effective.</summary>
    public static string Evaluated(ReportScope scope) => $"""
        SELECT COUNT(*) AS Evaluated, COALESCE(SUM(CASE WHEN t.Effective = 1 THEN 1 ELSE 0 END), 0) AS Effective
        FROM Tickets t WHERE t.EvaluatedAt >= @From AND t.EvaluatedAt < @To AND {Where(scope)}
        """;

    /// <summary>
    /// Changes whose evaluation was overdue at the period's end: their confirmation window had ended and they were not evaluated
    /// by then (still unevaluated now, or evaluated after the end).
    /// </summary>
    public static string EvaluationOverdue(ReportScope scope) => $"""
        SELECT
            (SELECT COUNT(*) FROM Tickets t WHERE t.Status = 'Resolved' AND t.ConfirmationDue < @To AND t.Category IN @Changes
                AND t.EvaluatedAt IS NULL AND {Where(scope)})
          + (SELECT COUNT(*) FROM Tickets t WHERE t.EvaluatedAt >= @To AND t.ConfirmationDue < @To AND {Where(scope)})
        """;

    /// <summary>Tickets raised per hour (UTC, as text <c>yyyy-MM-ddTHH</c>), for the daily chart in the unit's time zone.</summary>
    public string RaisedPerHour(ReportScope scope) => PerHour(scope, "CreatedAt");

    public string ResolvedPerHour(ReportScope scope) => PerHour(scope, "ResolvedAt");

    private string PerHour(ReportScope scope, string column)
    {
        var hour = dialect.Provider == DatabaseProvider.SqlServer
            ? $"CONVERT(char(13), SWITCHOFFSET(t.{column}, '+00:00'), 126)"
            : $"substr(t.{column}, 1, 13)";
        return $"""
            SELECT {hour} AS Hour, COUNT(*) AS N FROM Tickets t
            WHERE {Where(scope)} AND t.{column} >= @From AND t.{column} < @To
            GROUP BY {hour}
            """;
    }

    /// <summary>Inspection runs scheduled in the period, per system.</summary>
    public static string Inspections(ReportScope scope) => $"""
        SELECT t.SystemId, COUNT(*) AS Scheduled,
            SUM(CASE WHEN t.State IN ('Passed', 'Failed') THEN 1 ELSE 0 END) AS Completed,
            SUM(CASE WHEN t.State = 'Passed' THEN 1 ELSE 0 END) AS Passed,
            SUM(CASE WHEN t.State = 'Failed' THEN 1 ELSE 0 END) AS Failed,
            SUM(CASE WHEN t.State = 'Missed' THEN 1 ELSE 0 END) AS Missed
        FROM InspectionRuns t
        WHERE {Where(scope)} AND t.ScheduledAt >= @From AND t.ScheduledAt < @To
        GROUP BY t.SystemId
        """;

    /// <summary>
    /// The account figures in one row: Active accounts dormant at the period's end (idle since at or before @DormantCutoff, the
    /// end minus Accounts:DormantAfterDays: the register's own rule), access reviews completed in the period and those that
    /// became overdue in it.
    /// </summary>
    public static string Accounts(ReportScope scope) => $"""
        SELECT
            (SELECT COUNT(*) FROM Accounts t WHERE {Where(scope)} AND t.Status = 'Active' AND t.IdleSince <= @DormantCutoff) AS DormantAtEnd,
            (SELECT COUNT(*) FROM AccessReviews t WHERE {Where(scope)} AND t.CompletedAt >= @From AND t.CompletedAt < @To) AS ReviewsCompleted,
            (SELECT COUNT(*) FROM AccessReviews t WHERE {Where(scope)} AND t.OverdueAt >= @From AND t.OverdueAt < @To) AS ReviewsOverdue
        """;

    /// <summary>The systems a business department owns (anywhere): a business approver's report covers those.</summary>
    public const string DepartmentSystems = "SELECT DISTINCT SystemId FROM SystemOwners WHERE DepartmentCode = @department";

    public IEnumerable<string> All()
    {
        foreach (var subunits in new[] { false, true })
        foreach (var systems in new[] { false, true })
        {
            var scope = new ReportScope(subunits, systems);
            yield return Raised(scope);
            yield return Resolved(scope);
            yield return Closed(scope);
            yield return OpenNow(scope);
            yield return ClosedAfter(scope);
            yield return Clocks(scope);
            yield return ClockMinutesAt(scope);
            yield return Reopens(scope);
            yield return Approved(scope);
            yield return Evaluated(scope);
            yield return EvaluationOverdue(scope);
            yield return RaisedPerHour(scope);
            yield return ResolvedPerHour(scope);
            yield return Inspections(scope);
            yield return Accounts(scope);
        }
        yield return DepartmentSystems;
        yield return GroupLines;
    }
}
