-- The owning department's evaluation of a change (effective or not, by whom, when), and when its being overdue was notified.
ALTER TABLE Tickets ADD COLUMN Effective INTEGER NULL CHECK (Effective IN (0, 1));
ALTER TABLE Tickets ADD COLUMN EvaluatedBy TEXT NULL CHECK (length(EvaluatedBy) <= 64);
ALTER TABLE Tickets ADD COLUMN EvaluatedAt TEXT NULL;
ALTER TABLE Tickets ADD COLUMN EvaluationOverdueNotifiedAt TEXT NULL;

-- Notifications may go to a business department's approvers (by department code) or to a unit's approvers (by unit path).
-- SQLite cannot change a CHECK constraint: the table is rebuilt with the same rows and ids.
CREATE TABLE Notifications_V0012 (
    Id             INTEGER NOT NULL PRIMARY KEY,
    TicketId       INTEGER NOT NULL REFERENCES Tickets (Id),
    Type           TEXT NOT NULL,
    RecipientKind  TEXT NOT NULL CHECK (RecipientKind IN ('Group', 'ServiceDesk', 'ItManagers', 'Approvers', 'DepartmentApprovers')),
    Recipient      TEXT NOT NULL,
    CreatedAt      TEXT NOT NULL,
    Details        TEXT NOT NULL
);
INSERT INTO Notifications_V0012 (Id, TicketId, Type, RecipientKind, Recipient, CreatedAt, Details)
SELECT Id, TicketId, Type, RecipientKind, Recipient, CreatedAt, Details FROM Notifications;
DROP TABLE Notifications;
ALTER TABLE Notifications_V0012 RENAME TO Notifications;
CREATE INDEX IX_Notifications_Recipient ON Notifications (RecipientKind, Recipient, Id);
CREATE INDEX IX_Notifications_Created ON Notifications (CreatedAt);
