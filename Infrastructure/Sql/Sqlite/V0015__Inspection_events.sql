-- Events about inspection runs (inspection.completed, .failed, .missed) go through the outbox like ticket events but
-- belong to no ticket: the ticket becomes optional, the run is named instead.
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
    CHECK (TicketId IS NOT NULL OR InspectionRunId IS NOT NULL)
);
INSERT INTO OutboxEvents_New (Id, EventId, Type, TicketId, UnitPath, Payload, OccurredAt, Dispatched)
SELECT Id, EventId, Type, TicketId, UnitPath, Payload, OccurredAt, Dispatched FROM OutboxEvents;
DROP TABLE OutboxEvents;
ALTER TABLE OutboxEvents_New RENAME TO OutboxEvents;
CREATE INDEX IX_OutboxEvents_Undispatched ON OutboxEvents (Id) WHERE Dispatched = 0;
CREATE INDEX IX_OutboxEvents_Dispatched ON OutboxEvents (OccurredAt) WHERE Dispatched = 1;

CREATE TABLE WebhookDeliveries_New (
    Id              INTEGER NOT NULL PRIMARY KEY,
    SubscriptionId  TEXT NOT NULL REFERENCES WebhookSubscriptions (Id) ON DELETE CASCADE,
    EventId         TEXT NOT NULL,
    TicketId        INTEGER NULL,
    State           TEXT NOT NULL CHECK (State IN ('Pending', 'Delivered', 'Failed', 'DeadLetter')),
    Attempts        INTEGER NOT NULL,
    NextAttemptAt   TEXT NULL,
    LastStatus      INTEGER NULL,
    LastError       TEXT NULL,
    CreatedAt       TEXT NOT NULL,
    DeliveredAt     TEXT NULL
);
INSERT INTO WebhookDeliveries_New (Id, SubscriptionId, EventId, TicketId, State, Attempts, NextAttemptAt, LastStatus, LastError, CreatedAt, DeliveredAt)
SELECT Id, SubscriptionId, EventId, TicketId, State, Attempts, NextAttemptAt, LastStatus, LastError, CreatedAt, DeliveredAt FROM WebhookDeliveries;
DROP TABLE WebhookDeliveries;
ALTER TABLE WebhookDeliveries_New RENAME TO WebhookDeliveries;
CREATE INDEX IX_WebhookDeliveries_Due ON WebhookDeliveries (NextAttemptAt) WHERE State = 'Pending';
CREATE INDEX IX_WebhookDeliveries_Subscription ON WebhookDeliveries (SubscriptionId, Id);
CREATE UNIQUE INDEX UX_WebhookDeliveries_Event ON WebhookDeliveries (SubscriptionId, EventId);
CREATE INDEX IX_WebhookDeliveries_Ticket ON WebhookDeliveries (SubscriptionId, TicketId, Id) WHERE State = 'Pending';
CREATE INDEX IX_WebhookDeliveries_Created ON WebhookDeliveries (CreatedAt);
CREATE INDEX IX_WebhookDeliveries_Event ON WebhookDeliveries (EventId);
CREATE TRIGGER WebhookDeliveries_Sizes_Update BEFORE UPDATE ON WebhookDeliveries
WHEN length(NEW.LastError) > 1000
BEGIN
    SELECT RAISE(ABORT, 'WebhookDeliveries: a value is longer than its column allows');
END;
