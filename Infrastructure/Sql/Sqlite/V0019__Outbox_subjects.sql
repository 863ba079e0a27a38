-- Events about neither a ticket nor an inspection run (configuration entered without a ticket, access reviews) name their
-- subject instead (e.g. configuration:ERP:JS:Production:posting.period.open, access-review:7). SQLite cannot alter a CHECK:
-- the table is rebuilt with every column and index of V0004/V0007/V0015, and the new column.
CREATE TABLE OutboxEvents_New (
    Id               INTEGER NOT NULL PRIMARY KEY,
    EventId          TEXT NOT NULL UNIQUE,
    Type             TEXT NOT NULL,
    TicketId         INTEGER NULL REFERENCES Tickets (Id),
    InspectionRunId  INTEGER NULL REFERENCES InspectionRuns (Id),
    UnitPath         TEXT NOT NULL,
    Payload          TEXT NOT NULL,
    OccurredAt       TEXT NOT NULL,
    Dispatched       INTEGER NOT NULL DEFAULT 0,
    Subject          TEXT NULL CHECK (length(Subject) <= 200),
    CHECK (TicketId IS NOT NULL OR InspectionRunId IS NOT NULL OR Subject IS NOT NULL)
);
INSERT INTO OutboxEvents_New (Id, EventId, Type, TicketId, InspectionRunId, UnitPath, Payload, OccurredAt, Dispatched)
SELECT Id, EventId, Type, TicketId, InspectionRunId, UnitPath, Payload, OccurredAt, Dispatched FROM OutboxEvents;
DROP TABLE OutboxEvents;
ALTER TABLE OutboxEvents_New RENAME TO OutboxEvents;
CREATE INDEX IX_OutboxEvents_Undispatched ON OutboxEvents (Id) WHERE Dispatched = 0;
CREATE INDEX IX_OutboxEvents_Dispatched ON OutboxEvents (OccurredAt) WHERE Dispatched = 1;
