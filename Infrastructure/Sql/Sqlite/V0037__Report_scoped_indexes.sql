-- Work reports read a unit's subtree as the exact list of its units' paths (each an equality seek followed by the period's
-- range), so every index below starts with the unit path and then the instant the figure filters on.
-- A clock carries its ticket's unit path and priority (kept in step by the clock store), so the SLA figures read clocks
-- alone, by unit and stop time, instead of looking each clock's ticket up.
ALTER TABLE SlaClocks ADD COLUMN UnitPath TEXT NULL CHECK (UnitPath IS NULL OR length(UnitPath) <= 450);
ALTER TABLE SlaClocks ADD COLUMN Priority TEXT NULL CHECK (Priority IS NULL OR Priority IN ('P1', 'P2', 'P3', 'P4'));
UPDATE SlaClocks SET UnitPath = (SELECT t.UnitPath FROM Tickets t WHERE t.Id = SlaClocks.TicketId),
                     Priority = (SELECT t.Priority FROM Tickets t WHERE t.Id = SlaClocks.TicketId);
DROP INDEX IX_SlaClocks_Report_Stopped;
CREATE INDEX IX_SlaClocks_Report_Scope ON SlaClocks (UnitPath, StoppedAt, Kind, State, Priority, ElapsedMinutes) WHERE StoppedAt IS NOT NULL;
-- Open at the period's end: still open now, by unit and status, raised before the end.
CREATE INDEX IX_Tickets_Report_Open ON Tickets (UnitPath, Status, CreatedAt, Category, Priority, SystemId, GroupId);
-- Closed in the period, and closed after it but raised before its end (open at the end): the creation instant joins the index.
DROP INDEX IX_Tickets_Report_Closed;
CREATE INDEX IX_Tickets_Report_Closed ON Tickets (UnitPath, ClosedAt, Status, Outcome, Category, Priority, SystemId, GroupId, Satisfaction, CreatedAt);
-- Changes whose evaluation is overdue: resolved changes by confirmation deadline, unevaluated.
CREATE INDEX IX_Tickets_Report_Unevaluated ON Tickets (Status, Category, ConfirmationDue, EvaluatedAt, UnitPath);
-- Inspection runs scheduled in the period, by unit.
CREATE INDEX IX_InspectionRuns_Report ON InspectionRuns (UnitPath, ScheduledAt, SystemId, State);
-- Changes approved and evaluated in a period, by unit, covering what the figures read.
DROP INDEX IX_Tickets_Report_Approved;
CREATE INDEX IX_Tickets_Report_Approved ON Tickets (UnitPath, ApprovedAt, SystemId) WHERE ApprovedAt IS NOT NULL;
DROP INDEX IX_Tickets_Report_Evaluated;
CREATE INDEX IX_Tickets_Report_Evaluated ON Tickets (UnitPath, EvaluatedAt, Effective, ConfirmationDue, SystemId) WHERE EvaluatedAt IS NOT NULL;
-- Active accounts dormant at a period's end, by unit.
CREATE INDEX IX_Accounts_Report ON Accounts (UnitPath, Status, IdleSince, SystemId);
