-- Every index of a ticket is written when the ticket is raised and each time a change writes one of its fields. Four
-- indexes only ever serve queries that compare the resolution instant, the closure instant or the confirmation deadline
-- with a value, and these stay empty until the ticket is resolved: they now hold a ticket only once the field is set, so
-- that raising a ticket and every change before its resolution write four indexes fewer. A comparison with a value implies
-- that the field is set, which SQLite knows: the same queries use the same indexes.
DROP INDEX IX_Tickets_Report_Resolved;
CREATE INDEX IX_Tickets_Report_Resolved ON Tickets (UnitPath, ResolvedAt, Category, Priority, SystemId, GroupId, EscalatedAt) WHERE ResolvedAt IS NOT NULL;
DROP INDEX IX_Tickets_Report_Closed;
CREATE INDEX IX_Tickets_Report_Closed ON Tickets (UnitPath, ClosedAt, Status, Outcome, Category, Priority, SystemId, GroupId, Satisfaction, CreatedAt) WHERE ClosedAt IS NOT NULL;
DROP INDEX IX_Tickets_ConfirmationDue;
CREATE INDEX IX_Tickets_ConfirmationDue ON Tickets (Status, ConfirmationDue) WHERE ConfirmationDue IS NOT NULL;
DROP INDEX IX_Tickets_Report_Unevaluated;
CREATE INDEX IX_Tickets_Report_Unevaluated ON Tickets (Status, Category, ConfirmationDue, EvaluatedAt, UnitPath) WHERE ConfirmationDue IS NOT NULL;
