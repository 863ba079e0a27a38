-- Work reports (DOMAIN.md §7) are SQL aggregates: each figure reads one of these indexes over the unit's subtree and the
-- period, covering the columns it groups by, so that a province's month never loads its tickets.
CREATE INDEX IX_Tickets_Report_Raised ON dbo.Tickets (UnitPath, CreatedAt) INCLUDE (Category, Priority, SystemId, GroupId);
CREATE INDEX IX_Tickets_Report_Resolved ON dbo.Tickets (UnitPath, ResolvedAt) INCLUDE (Category, Priority, SystemId, GroupId, EscalatedAt);
CREATE INDEX IX_Tickets_Report_Closed ON dbo.Tickets (UnitPath, ClosedAt) INCLUDE (Status, Outcome, Category, Priority, SystemId, GroupId, Satisfaction);
CREATE INDEX IX_Tickets_Report_Approved ON dbo.Tickets (ApprovedAt) INCLUDE (UnitPath, SystemId) WHERE ApprovedAt IS NOT NULL;
CREATE INDEX IX_Tickets_Report_Evaluated ON dbo.Tickets (EvaluatedAt) INCLUDE (UnitPath, SystemId, Effective, ConfirmationDue) WHERE EvaluatedAt IS NOT NULL;
-- Clocks that ended in a period, with what the figures read of them (the business minutes stored when the clock stopped).
CREATE INDEX IX_SlaClocks_Report_Stopped ON dbo.SlaClocks (StoppedAt) INCLUDE (Kind, State, ElapsedMinutes, TicketId) WHERE StoppedAt IS NOT NULL;
-- Reopens in a period.
CREATE INDEX IX_TicketHistory_Report_Action ON dbo.TicketHistory (Action, At) INCLUDE (TicketId);
