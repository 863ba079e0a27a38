-- Sync for callers: a ticket can carry the caller's own reference (create-or-find), and every change takes the next
-- value of one sequence, in commit order (the sequence row is locked until commit), so that a poller asking for
-- "changed since N" never misses an update.
ALTER TABLE dbo.Tickets ADD
    ExternalSystem nvarchar(64) NULL,
    ExternalId nvarchar(200) NULL,
    ChangeSequence bigint NOT NULL CONSTRAINT DF_Tickets_ChangeSequence DEFAULT 0;
GO
UPDATE dbo.Tickets SET ChangeSequence = Id;
CREATE UNIQUE INDEX UX_Tickets_ExternalRef ON dbo.Tickets (RequesterId, ExternalSystem, ExternalId) WHERE ExternalSystem IS NOT NULL;
CREATE INDEX IX_Tickets_ChangeSequence ON dbo.Tickets (ChangeSequence) INCLUDE (UnitPath, RequesterId);

CREATE TABLE dbo.Sequences (
    Name   nvarchar(32) NOT NULL CONSTRAINT PK_Sequences PRIMARY KEY,
    Value  bigint       NOT NULL
);
INSERT INTO dbo.Sequences (Name, Value) SELECT N'ticket-change', COALESCE(MAX(Id), 0) FROM dbo.Tickets;

-- Idempotency-Key: the outcome of a caller's POST, replayed for a retry with the same key (kept at least 24 h).
CREATE TABLE dbo.IdempotencyKeys (
    CallerId         nvarchar(64)   NOT NULL,
    IdempotencyKey   nvarchar(255)  NOT NULL,
    RequestHash      nvarchar(64)   NOT NULL,
    ClaimToken       nvarchar(40)   NOT NULL,
    State            nvarchar(10)   NOT NULL CONSTRAINT CK_IdempotencyKeys_State CHECK (State IN (N'InFlight', N'Done')),
    ResponseStatus   int            NULL,
    ResponseHeaders  nvarchar(max)  NULL,
    ResponseBody     varbinary(max) NULL,
    CreatedAt        datetimeoffset(7) NOT NULL,
    ExpiresAt        datetimeoffset(7) NOT NULL,
    CONSTRAINT PK_IdempotencyKeys PRIMARY KEY (CallerId, IdempotencyKey)
);
CREATE INDEX IX_IdempotencyKeys_ExpiresAt ON dbo.IdempotencyKeys (ExpiresAt);
