-- Organisation (DOMAIN.md §2–3). Paths ('/HQ/JS/') use a binary collation so that "this unit and below" is an
-- ordinal range, exactly as the service computes it, and a seek on the index.
CREATE TABLE dbo.Units (
    Id        nvarchar(64)  NOT NULL CONSTRAINT PK_Units PRIMARY KEY,
    Name      nvarchar(200) NOT NULL,
    ParentId  nvarchar(64)  NULL CONSTRAINT FK_Units_Parent REFERENCES dbo.Units (Id),
    Path      nvarchar(450) COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT UQ_Units_Path UNIQUE
);

CREATE TABLE dbo.SupportGroups (
    Id      nvarchar(64)  NOT NULL CONSTRAINT PK_SupportGroups PRIMARY KEY,
    Name    nvarchar(200) NOT NULL,
    UnitId  nvarchar(64)  NOT NULL CONSTRAINT FK_SupportGroups_Unit REFERENCES dbo.Units (Id),
    Line    nvarchar(20)  NOT NULL CONSTRAINT CK_SupportGroups_Line CHECK (Line IN (N'Line1', N'Line2System', N'Line2Business', N'Line3'))
);

CREATE TABLE dbo.Systems (
    Id               nvarchar(64)  NOT NULL CONSTRAINT PK_Systems PRIMARY KEY,
    Name             nvarchar(200) NOT NULL,
    UnitId           nvarchar(64)  NOT NULL CONSTRAINT FK_Systems_Unit REFERENCES dbo.Units (Id),
    OwnerDepartment  nvarchar(200) NOT NULL
);

CREATE TABLE dbo.Users (
    Id      nvarchar(64)  NOT NULL CONSTRAINT PK_Users PRIMARY KEY,
    Name    nvarchar(200) NOT NULL,
    UnitId  nvarchar(64)  NOT NULL CONSTRAINT FK_Users_Unit REFERENCES dbo.Units (Id),
    Kind    nvarchar(20)  NOT NULL CONSTRAINT CK_Users_Kind CHECK (Kind IN (N'Person', N'Integration')),
    Roles   nvarchar(200) NOT NULL
);

CREATE TABLE dbo.GroupMembers (
    GroupId  nvarchar(64) NOT NULL CONSTRAINT FK_GroupMembers_Group REFERENCES dbo.SupportGroups (Id),
    UserId   nvarchar(64) NOT NULL CONSTRAINT FK_GroupMembers_User REFERENCES dbo.Users (Id),
    CONSTRAINT PK_GroupMembers PRIMARY KEY (GroupId, UserId)
);
CREATE INDEX IX_GroupMembers_User ON dbo.GroupMembers (UserId);

-- API keys are stored as the SHA-256 of the key (64 hex characters), never the key itself.
CREATE TABLE dbo.ApiKeys (
    KeyHash    nvarchar(64)  NOT NULL CONSTRAINT PK_ApiKeys PRIMARY KEY,
    UserId     nvarchar(64)  NOT NULL CONSTRAINT FK_ApiKeys_User REFERENCES dbo.Users (Id),
    Name       nvarchar(200) NOT NULL,
    CreatedAt  datetimeoffset(7) NOT NULL,
    RevokedAt  datetimeoffset(7) NULL
);

-- DOMAIN.md §6 defaults; the matrix is data.
CREATE TABLE dbo.PriorityMatrix (
    Impact    nvarchar(20) NOT NULL,
    Urgency   nvarchar(20) NOT NULL,
    Priority  nvarchar(4)  NOT NULL,
    CONSTRAINT PK_PriorityMatrix PRIMARY KEY (Impact, Urgency)
);
INSERT INTO dbo.PriorityMatrix (Impact, Urgency, Priority) VALUES
    (N'Enterprise', N'High', N'P1'), (N'Enterprise', N'Medium', N'P1'), (N'Enterprise', N'Low', N'P2'),
    (N'Unit', N'High', N'P1'),       (N'Unit', N'Medium', N'P2'),       (N'Unit', N'Low', N'P3'),
    (N'Individual', N'High', N'P2'), (N'Individual', N'Medium', N'P3'), (N'Individual', N'Low', N'P4');

CREATE TABLE dbo.TicketNumbers (
    UnitId      nvarchar(64) NOT NULL CONSTRAINT FK_TicketNumbers_Unit REFERENCES dbo.Units (Id),
    Year        int          NOT NULL,
    LastNumber  int          NOT NULL,
    CONSTRAINT PK_TicketNumbers PRIMARY KEY (UnitId, Year)
);

CREATE TABLE dbo.Tickets (
    Id                   bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_Tickets PRIMARY KEY,
    Number               nvarchar(100) NOT NULL CONSTRAINT UQ_Tickets_Number UNIQUE,
    UnitId               nvarchar(64)  NOT NULL CONSTRAINT FK_Tickets_Unit REFERENCES dbo.Units (Id),
    UnitPath             nvarchar(450) COLLATE Latin1_General_BIN2 NOT NULL,
    SystemId             nvarchar(64)  NOT NULL CONSTRAINT FK_Tickets_System REFERENCES dbo.Systems (Id),
    Category             nvarchar(30)  NOT NULL,
    Title                nvarchar(200) NOT NULL,
    Description          nvarchar(max) NOT NULL,
    Impact               nvarchar(20)  NOT NULL,
    Urgency              nvarchar(20)  NOT NULL,
    Priority             nvarchar(4)   NOT NULL,
    Status               nvarchar(20)  NOT NULL,
    Outcome              nvarchar(20)  NULL,
    GroupId              nvarchar(64)  NULL CONSTRAINT FK_Tickets_Group REFERENCES dbo.SupportGroups (Id),
    AssigneeId           nvarchar(64)  NULL CONSTRAINT FK_Tickets_Assignee REFERENCES dbo.Users (Id),
    RequesterId          nvarchar(64)  NOT NULL CONSTRAINT FK_Tickets_Requester REFERENCES dbo.Users (Id),
    CreatedAt            datetimeoffset(7) NOT NULL,
    UpdatedAt            datetimeoffset(7) NOT NULL,
    TriagedAt            datetimeoffset(7) NULL,
    ResolvedAt           datetimeoffset(7) NULL,
    ClosedAt             datetimeoffset(7) NULL,
    ConfirmationDue      datetimeoffset(7) NULL,
    ResolutionCode       nvarchar(30)  NULL,
    Resolution           nvarchar(4000) NULL,
    Satisfaction         int           NULL CONSTRAINT CK_Tickets_Satisfaction CHECK (Satisfaction BETWEEN 1 AND 5),
    ApprovalStatus       nvarchar(20)  NULL,
    ApprovalRequestedBy  nvarchar(64)  NULL,
    PlanWhat             nvarchar(4000) NULL,
    PlanBackup           nvarchar(4000) NULL,
    PlanTest             nvarchar(4000) NULL,
    PlanRollback         nvarchar(4000) NULL,
    EscalatedAt          datetimeoffset(7) NULL,
    -- The ticket's version: the ETag, checked by every change (UPDATE … WHERE Version = @ExpectedVersion).
    Version              int           NOT NULL
);
-- Lists are newest first (Id descending) within the caller's unit subtree; each filter has an index in list order
-- that carries the scope columns, so the scope is checked without a lookup.
CREATE INDEX IX_Tickets_Scope     ON dbo.Tickets (UnitPath, Id DESC) INCLUDE (RequesterId);
CREATE INDEX IX_Tickets_Status    ON dbo.Tickets (Status, Id DESC) INCLUDE (UnitPath, RequesterId);
CREATE INDEX IX_Tickets_Group     ON dbo.Tickets (GroupId, Id DESC) INCLUDE (UnitPath, RequesterId);
CREATE INDEX IX_Tickets_Assignee  ON dbo.Tickets (AssigneeId, Id DESC) INCLUDE (UnitPath, RequesterId);
CREATE INDEX IX_Tickets_Requester ON dbo.Tickets (RequesterId, Id DESC) INCLUDE (UnitPath);
CREATE INDEX IX_Tickets_System    ON dbo.Tickets (SystemId, Id DESC) INCLUDE (UnitPath, RequesterId);
CREATE INDEX IX_Tickets_Created   ON dbo.Tickets (CreatedAt) INCLUDE (UnitPath, RequesterId);

CREATE TABLE dbo.TicketHistory (
    Id          bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_TicketHistory PRIMARY KEY,
    TicketId    bigint        NOT NULL CONSTRAINT FK_TicketHistory_Ticket REFERENCES dbo.Tickets (Id),
    At          datetimeoffset(7) NOT NULL,
    ActorId     nvarchar(64)  NOT NULL,
    Action      nvarchar(30)  NOT NULL,
    FromStatus  nvarchar(20)  NULL,
    ToStatus    nvarchar(20)  NULL,
    Details     nvarchar(max) NOT NULL,
    Internal    bit           NOT NULL
);
CREATE INDEX IX_TicketHistory_Ticket ON dbo.TicketHistory (TicketId, Id);

CREATE TABLE dbo.TicketComments (
    Id          bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_TicketComments PRIMARY KEY,
    TicketId    bigint        NOT NULL CONSTRAINT FK_TicketComments_Ticket REFERENCES dbo.Tickets (Id),
    At          datetimeoffset(7) NOT NULL,
    AuthorId    nvarchar(64)  NOT NULL CONSTRAINT FK_TicketComments_Author REFERENCES dbo.Users (Id),
    Visibility  nvarchar(10)  NOT NULL CONSTRAINT CK_TicketComments_Visibility CHECK (Visibility IN (N'Public', N'Internal')),
    Body        nvarchar(max) NOT NULL
);
CREATE INDEX IX_TicketComments_Ticket ON dbo.TicketComments (TicketId, Id);
