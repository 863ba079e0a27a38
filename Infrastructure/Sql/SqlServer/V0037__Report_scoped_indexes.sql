-- Work reports read a unit's subtree as the exact list of its units' paths (each an equality seek followed by the period's
-- range), so every index below starts with the unit path and then the instant the figure filters on.
-- A clock carries its ticket's unit path and priority (kept in step by the clock store), so the SLA figures read clocks
-- alone, by unit and stop time, instead of looking each clock's ticket up.
ALTER TABLE dbo.SlaClocks ADD UnitPath nvarchar(450) COLLATE Latin1_General_BIN2 NULL,
    Priority nvarchar(4) NULL CONSTRAINT CK_SlaClocks_Priority CHECK (Priority IN ('P1', 'P2', 'P3', 'P4'));
GO
UPDATE c SET c.UnitPath = t.UnitPath, c.Priority = t.Priority FROM dbo.SlaClocks c JOIN dbo.Tickets t ON t.Id = c.TicketId;
DROP INDEX IX_SlaClocks_Report_Stopped ON dbo.SlaClocks;
CREATE INDEX IX_SlaClocks_Report_Scope ON dbo.SlaClocks (UnitPath, StoppedAt) INCLUDE (Kind, State, Priority, ElapsedMinutes) WHERE StoppedAt IS NOT NULL;
-- Open at the period's end: still open now, by unit and status, raised before the end.
CREATE INDEX IX_Tickets_Report_Open ON dbo.Tickets (UnitPath, Status, CreatedAt) INCLUDE (Category, Priority, SystemId, GroupId);
-- Closed in the period, and closed after it but raised before its end (open at the end): the creation instant joins the index.
DROP INDEX IX_Tickets_Report_Closed ON dbo.Tickets;
CREATE INDEX IX_Tickets_Report_Closed ON dbo.Tickets (UnitPath, ClosedAt) INCLUDE (Status, Outcome, Category, Priority, SystemId, GroupId, Satisfaction, CreatedAt);
-- Changes whose evaluation is overdue: resolved changes by confirmation deadline, unevaluated.
CREATE INDEX IX_Tickets_Report_Unevaluated ON dbo.Tickets (Status, Category, ConfirmationDue) INCLUDE (EvaluatedAt, UnitPath);
-- Inspection runs scheduled in the period, by unit.
CREATE INDEX IX_InspectionRuns_Report ON dbo.InspectionRuns (UnitPath, ScheduledAt) INCLUDE (SystemId, State);
-- Changes approved and evaluated in a period, by unit, covering what the figures read.
DROP INDEX IX_Tickets_Report_Approved ON dbo.Tickets;
CREATE INDEX IX_Tickets_Report_Approved ON dbo.Tickets (UnitPath, ApprovedAt) INCLUDE (SystemId) WHERE ApprovedAt IS NOT NULL;
DROP INDEX IX_Tickets_Report_Evaluated ON dbo.Tickets;
CREATE INDEX IX_Tickets_Report_Evaluated ON dbo.Tickets (UnitPath, EvaluatedAt) INCLUDE (Effective, ConfirmationDue, SystemId) WHERE EvaluatedAt IS NOT NULL;
-- Active accounts dormant at a period's end, by unit.
CREATE INDEX IX_Accounts_Report ON dbo.Accounts (UnitPath, Status, IdleSince) INCLUDE (SystemId);
