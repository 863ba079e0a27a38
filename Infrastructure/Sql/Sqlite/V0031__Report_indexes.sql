-- Work reports (DOMAIN.md §7) are SQL aggregates: each figure reads one of these indexes over the unit's subtree and the
-- period, covering the columns it groups by, so that a province's month never loads its tickets.
CREATE INDEX IX_Tickets_Report_Raised ON Tickets (UnitPath, CreatedAt, Category, Priority, SystemId, GroupId);
CREATE INDEX IX_Tickets_Report_Resolved ON Tickets (UnitPath, ResolvedAt, Category, Priority, SystemId, GroupId, EscalatedAt);
CREATE INDEX IX_Tickets_Report_Closed ON Tickets (UnitPath, ClosedAt, Status, Outcome, Category, Priority, SystemId, GroupId, Satisfaction);
CREATE INDEX IX_Tickets_Report_Approved ON Tickets (ApprovedAt) WHERE ApprovedAt IS NOT NULL;
CREATE INDEX IX_Tickets_Report_Evaluated ON Tickets (EvaluatedAt) WHERE EvaluatedAt IS NOT NULL;
-- Clocks that ended in a period, with what the figures read of them (the business minutes stored when the clock stopped).
CREATE INDEX IX_SlaClocks_Report_Stopped ON SlaClocks (StoppedAt, Kind, State, ElapsedMinutes, TicketId) WHERE StoppedAt IS NOT NULL;
-- Reopens in a period.
CREATE INDEX IX_TicketHistory_Report_Action ON TicketHistory (Action, At, TicketId);
