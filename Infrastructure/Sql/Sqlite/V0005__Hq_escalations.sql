-- Escalations sent to the HQ system: one row per escalation event, with its delivery state.
CREATE TABLE HqEscalations (
    Id             INTEGER NOT NULL PRIMARY KEY,
    EventId        TEXT NOT NULL UNIQUE,
    TicketId       INTEGER NOT NULL REFERENCES Tickets (Id),
    State          TEXT NOT NULL CHECK (State IN ('Queued', 'Sent', 'Acknowledged', 'Returned', 'Resolved', 'Failed')),
    Attempts       INTEGER NOT NULL,
    NextAttemptAt  TEXT NULL,
    LastStatus     INTEGER NULL,
    LastError      TEXT NULL,
    HqReference    TEXT NULL,
    CreatedAt      TEXT NOT NULL,
    UpdatedAt      TEXT NOT NULL
);
CREATE INDEX IX_HqEscalations_Ticket ON HqEscalations (TicketId, Id);
CREATE INDEX IX_HqEscalations_Due ON HqEscalations (NextAttemptAt) WHERE State = 'Queued';

-- Events received from the HQ system, by their webhook-id: each is applied once.
CREATE TABLE InboundEvents (
    Id          TEXT NOT NULL PRIMARY KEY,
    Source      TEXT NOT NULL,
    ReceivedAt  TEXT NOT NULL
);
