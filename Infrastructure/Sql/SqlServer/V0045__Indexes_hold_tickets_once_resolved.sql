-- Every index of a ticket is written when the ticket is raised and each time a change writes one of its fields. Four
-- indexes only ever serve queries that compare the resolution instant, the closure instant or the confirmation deadline
-- with a value, and these stay empty until the ticket is resolved: they are now filtered to the tickets where the field is
-- set, so that raising a ticket and every change before its resolution write four indexes fewer. A comparison with a
-- parameter implies IS NOT NULL, so the optimizer matches these filtered indexes in parameterized plans too.
DROP INDEX IX_Tickets_Report_Resolved ON dbo.Tickets;
CREATE INDEX IX_Tickets_Report_Resolved ON dbo.Tickets (UnitPath, ResolvedAt) INCLUDE (Category, Priority, SystemId, GroupId, EscalatedAt) WHERE ResolvedAt IS NOT NULL;
DROP INDEX IX_Tickets_Report_Closed ON dbo.Tickets;
CREATE INDEX IX_Tickets_Report_Closed ON dbo.Tickets (UnitPath, ClosedAt) INCLUDE (Status, Outcome, Category, Priority, SystemId, GroupId, Satisfaction, CreatedAt) WHERE ClosedAt IS NOT NULL;
DROP INDEX IX_Tickets_ConfirmationDue ON dbo.Tickets;
CREATE INDEX IX_Tickets_ConfirmationDue ON dbo.Tickets (Status, ConfirmationDue) WHERE ConfirmationDue IS NOT NULL;
DROP INDEX IX_Tickets_Report_Unevaluated ON dbo.Tickets;
CREATE INDEX IX_Tickets_Report_Unevaluated ON dbo.Tickets (Status, Category, ConfirmationDue) INCLUDE (EvaluatedAt, UnitPath) WHERE ConfirmationDue IS NOT NULL;
