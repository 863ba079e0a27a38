-- The configuration inventory (配置清单): per system, one row per setting and environment, with every value it had.
CREATE TABLE dbo.ConfigurationItems (
    Id           bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_ConfigurationItems PRIMARY KEY,
    SystemId     nvarchar(64)   NOT NULL CONSTRAINT FK_ConfigurationItems_System REFERENCES dbo.Systems (Id),
    Environment  nvarchar(40)   NOT NULL CONSTRAINT CK_ConfigurationItems_Environment CHECK (len(Environment) >= 1),
    ItemKey      nvarchar(200)  NOT NULL CONSTRAINT CK_ConfigurationItems_Key CHECK (len(ItemKey) >= 1),
    UnitId       nvarchar(64)   NOT NULL CONSTRAINT FK_ConfigurationItems_Unit REFERENCES dbo.Units (Id),
    UnitPath     nvarchar(450)  COLLATE Latin1_General_BIN2 NOT NULL,
    Value        nvarchar(4000) NOT NULL,
    Description  nvarchar(1000) NULL,
    OwnerGroup   nvarchar(64)   NULL CONSTRAINT FK_ConfigurationItems_Owner REFERENCES dbo.SupportGroups (Id),
    CreatedBy    nvarchar(20)   NOT NULL CONSTRAINT CK_ConfigurationItems_CreatedBy CHECK (CreatedBy IN (N'Inventory', N'Change')),
    CreatedAt    datetimeoffset(7) NOT NULL,
    UpdatedAt    datetimeoffset(7) NOT NULL,
    Version      int            NOT NULL
);
-- Pages are in (environment, key) order within a system; the scope (unit path) is checked on the rows read.
CREATE UNIQUE INDEX UQ_ConfigurationItems_Key ON dbo.ConfigurationItems (SystemId, Environment, ItemKey) INCLUDE (UnitPath);

CREATE TABLE dbo.ConfigurationVersions (
    ItemId     bigint         NOT NULL CONSTRAINT FK_ConfigurationVersions_Item REFERENCES dbo.ConfigurationItems (Id),
    Version    int            NOT NULL,
    Value      nvarchar(4000) NOT NULL,
    ChangedAt  datetimeoffset(7) NOT NULL,
    ChangedBy  nvarchar(64)   NOT NULL,
    TicketId   bigint         NULL CONSTRAINT FK_ConfigurationVersions_Ticket REFERENCES dbo.Tickets (Id),
    CONSTRAINT PK_ConfigurationVersions PRIMARY KEY (ItemId, Version)
);
-- A ticket lists the versions it wrote.
CREATE INDEX IX_ConfigurationVersions_Ticket ON dbo.ConfigurationVersions (TicketId) WHERE TicketId IS NOT NULL;
