-- Sync for callers: a ticket can carry the caller's own reference (create-or-find), and every change takes the next
-- value of one sequence, in commit order, so that a poller asking for "changed since N" never misses an update.
ALTER TABLE Tickets ADD COLUMN ExternalSystem TEXT NULL;
ALTER TABLE Tickets ADD COLUMN ExternalId TEXT NULL;
ALTER TABLE Tickets ADD COLUMN ChangeSequence INTEGER NOT NULL DEFAULT 0;
UPDATE Tickets SET ChangeSequence = Id;
CREATE UNIQUE INDEX UX_Tickets_ExternalRef ON Tickets (RequesterId, ExternalSystem, ExternalId) WHERE ExternalSystem IS NOT NULL;
CREATE INDEX IX_Tickets_ChangeSequence ON Tickets (ChangeSequence);

CREATE TABLE Sequences (
    Name   TEXT NOT NULL PRIMARY KEY,
    Value  INTEGER NOT NULL
);
INSERT INTO Sequences (Name, Value) SELECT 'ticket-change', COALESCE(MAX(Id), 0) FROM Tickets;

-- Idempotency-Key: the outcome of a caller's POST, replayed for a retry with the same key (kept at least 24 h).
CREATE TABLE IdempotencyKeys (
    CallerId         TEXT NOT NULL,
    IdempotencyKey   TEXT NOT NULL,
    RequestHash      TEXT NOT NULL,
    ClaimToken       TEXT NOT NULL,
    State            TEXT NOT NULL CHECK (State IN ('InFlight', 'Done')),
    ResponseStatus   INTEGER NULL,
    ResponseHeaders  TEXT NULL,
    ResponseBody     BLOB NULL,
    CreatedAt        TEXT NOT NULL,
    ExpiresAt        TEXT NOT NULL,
    PRIMARY KEY (CallerId, IdempotencyKey)
);
CREATE INDEX IX_IdempotencyKeys_ExpiresAt ON IdempotencyKeys (ExpiresAt);
