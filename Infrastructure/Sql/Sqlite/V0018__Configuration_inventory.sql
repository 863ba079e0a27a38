-- The configuration inventory (配置清单): per system, one row per setting and environment, with every value it had.
-- Keys and environments compare without case, as SQL Server's default collation does, so both refuse the same duplicates.
CREATE TABLE ConfigurationItems (
    Id           INTEGER NOT NULL PRIMARY KEY,
    SystemId     TEXT NOT NULL REFERENCES Systems (Id),
    Environment  TEXT NOT NULL COLLATE NOCASE CHECK (length(Environment) BETWEEN 1 AND 40),
    ItemKey      TEXT NOT NULL COLLATE NOCASE CHECK (length(ItemKey) BETWEEN 1 AND 200),
    UnitId       TEXT NOT NULL REFERENCES Units (Id),
    UnitPath     TEXT NOT NULL,
    Value        TEXT NOT NULL CHECK (length(Value) <= 4000),
    Description  TEXT NULL CHECK (length(Description) <= 1000),
    OwnerGroup   TEXT NULL REFERENCES SupportGroups (Id),
    CreatedBy    TEXT NOT NULL CHECK (CreatedBy IN ('Inventory', 'Change')),
    CreatedAt    TEXT NOT NULL,
    UpdatedAt    TEXT NOT NULL,
    Version      INTEGER NOT NULL
);
-- Pages are in (environment, key) order within a system; the scope (unit path) is checked on the rows read.
CREATE UNIQUE INDEX UQ_ConfigurationItems_Key ON ConfigurationItems (SystemId, Environment, ItemKey);

CREATE TABLE ConfigurationVersions (
    ItemId     INTEGER NOT NULL REFERENCES ConfigurationItems (Id),
    Version    INTEGER NOT NULL,
    Value      TEXT NOT NULL CHECK (length(Value) <= 4000),
    ChangedAt  TEXT NOT NULL,
    ChangedBy  TEXT NOT NULL CHECK (length(ChangedBy) <= 64),
    TicketId   INTEGER NULL REFERENCES Tickets (Id),
    PRIMARY KEY (ItemId, Version)
);
-- A ticket lists the versions it wrote.
CREATE INDEX IX_ConfigurationVersions_Ticket ON ConfigurationVersions (TicketId) WHERE TicketId IS NOT NULL;
