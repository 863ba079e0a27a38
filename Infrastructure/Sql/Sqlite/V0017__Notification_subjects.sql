-- A notification may be about something that is neither a ticket nor an inspection run (an account, an access review):
-- Subject names it ("account:ERP:zhangsan", "access-review:7"). A notification may also be for one user (a ticket's
-- watcher): RecipientKind 'User', Recipient the user's id.
CREATE TABLE Notifications_New (
    Id               INTEGER NOT NULL PRIMARY KEY,
    TicketId         INTEGER NULL REFERENCES Tickets (Id),
    InspectionRunId  INTEGER NULL REFERENCES InspectionRuns (Id),
    Subject          TEXT NULL CHECK (length(Subject) <= 200),
    Type             TEXT NOT NULL,
    RecipientKind    TEXT NOT NULL CHECK (RecipientKind IN ('Group', 'ServiceDesk', 'ItManagers', 'Approvers', 'DepartmentApprovers', 'User')),
    Recipient        TEXT NOT NULL,
    CreatedAt        TEXT NOT NULL,
    Details          TEXT NOT NULL,
    CHECK (TicketId IS NOT NULL OR InspectionRunId IS NOT NULL OR Subject IS NOT NULL)
);
INSERT INTO Notifications_New (Id, TicketId, InspectionRunId, Type, RecipientKind, Recipient, CreatedAt, Details)
SELECT Id, TicketId, InspectionRunId, Type, RecipientKind, Recipient, CreatedAt, Details FROM Notifications;
DROP TABLE Notifications;
ALTER TABLE Notifications_New RENAME TO Notifications;
CREATE INDEX IX_Notifications_Recipient ON Notifications (RecipientKind, Recipient, Id);
CREATE INDEX IX_Notifications_Created ON Notifications (CreatedAt);
