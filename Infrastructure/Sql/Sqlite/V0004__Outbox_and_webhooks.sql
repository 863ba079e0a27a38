-- Transactional outbox: an event is written in the same transaction as the change others must hear about.
CREATE TABLE OutboxEvents (
    Id          INTEGER NOT NULL PRIMARY KEY,
    EventId     TEXT NOT NULL UNIQUE,
    Type        TEXT NOT NULL,
    TicketId    INTEGER NOT NULL REFERENCES Tickets (Id),
    UnitPath    TEXT NOT NULL,
    Payload     TEXT NOT NULL,
    OccurredAt  TEXT NOT NULL,
    Dispatched  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IX_OutboxEvents_Undispatched ON OutboxEvents (Id) WHERE Dispatched = 0;

-- Webhook subscriptions of helpdesk tools, per unit (its subtree), filtered by event type.
CREATE TABLE WebhookSubscriptions (
    Id                   TEXT NOT NULL PRIMARY KEY,
    UnitId               TEXT NOT NULL REFERENCES Units (Id),
    UnitPath             TEXT NOT NULL,
    Url                  TEXT NOT NULL,
    EventTypes           TEXT NOT NULL,
    Secret               TEXT NOT NULL,
    PreviousSecret       TEXT NULL,
    PreviousSecretUntil  TEXT NULL,
    Enabled              INTEGER NOT NULL,
    DisabledReason       TEXT NULL,
    CreatedBy            TEXT NOT NULL,
    CreatedAt            TEXT NOT NULL
);

CREATE TABLE WebhookDeliveries (
    Id              INTEGER NOT NULL PRIMARY KEY,
    SubscriptionId  TEXT NOT NULL REFERENCES WebhookSubscriptions (Id) ON DELETE CASCADE,
    EventId         TEXT NOT NULL,
    TicketId        INTEGER NOT NULL,
    State           TEXT NOT NULL CHECK (State IN ('Pending', 'Delivered', 'Failed', 'DeadLetter')),
    Attempts        INTEGER NOT NULL,
    NextAttemptAt   TEXT NULL,
    LastStatus      INTEGER NULL,
    LastError       TEXT NULL,
    CreatedAt       TEXT NOT NULL,
    DeliveredAt     TEXT NULL
);
CREATE INDEX IX_WebhookDeliveries_Due ON WebhookDeliveries (NextAttemptAt) WHERE State = 'Pending';
CREATE INDEX IX_WebhookDeliveries_Subscription ON WebhookDeliveries (SubscriptionId, Id);
-- One delivery per subscription and event, whatever two dispatchers might do.
CREATE UNIQUE INDEX UX_WebhookDeliveries_Event ON WebhookDeliveries (SubscriptionId, EventId);
-- "Is an older delivery of this ticket still pending?" for in-order delivery per ticket.
CREATE INDEX IX_WebhookDeliveries_Ticket ON WebhookDeliveries (SubscriptionId, TicketId, Id) WHERE State = 'Pending';

INSERT INTO SchedulerLeases (Name, Holder, ExpiresAt) VALUES ('outbox', '', '0001-01-01T00:00:00.0000000Z');
