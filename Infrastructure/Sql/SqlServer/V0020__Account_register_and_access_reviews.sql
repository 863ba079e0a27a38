-- The account register (Art. 4, 10(5)): each system's accounts with their holder, unit, roles and status, kept by the
-- AccountPermission changes that alter them. IdleSince is the last use, or the creation when never used: an Active
-- account idle since before now minus Accounts:DormantAfterDays is dormant (a plain SQL condition, for reports too).
CREATE TABLE dbo.Accounts (
    Id                 bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_Accounts PRIMARY KEY,
    SystemId           nvarchar(64)  NOT NULL CONSTRAINT FK_Accounts_System REFERENCES dbo.Systems (Id),
    Login              nvarchar(64)  NOT NULL CONSTRAINT CK_Accounts_Login CHECK (LEN(Login) >= 1),
    Holder             nvarchar(100) NOT NULL,
    UserId             nvarchar(64)  NULL,
    UnitId             nvarchar(64)  NOT NULL CONSTRAINT FK_Accounts_Unit REFERENCES dbo.Units (Id),
    UnitPath           nvarchar(450) COLLATE Latin1_General_BIN2 NOT NULL,
    Department         nvarchar(100) NULL,
    Roles              nvarchar(4000) NOT NULL,
    Status             nvarchar(20)  NOT NULL CONSTRAINT CK_Accounts_Status CHECK (Status IN (N'Active', N'Disabled')),
    LastUsedAt         datetimeoffset(7) NULL,
    IdleSince          datetimeoffset(7) NOT NULL,
    DormantNotifiedAt  datetimeoffset(7) NULL,
    CreatedAt          datetimeoffset(7) NOT NULL,
    UpdatedAt          datetimeoffset(7) NOT NULL,
    CONSTRAINT UQ_Accounts_Login UNIQUE (SystemId, Login)
);
CREATE INDEX IX_Accounts_Dormant ON dbo.Accounts (IdleSince) WHERE Status = N'Active' AND DormantNotifiedAt IS NULL;

CREATE TABLE dbo.AccountHistory (
    Id         bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_AccountHistory PRIMARY KEY,
    AccountId  bigint NOT NULL CONSTRAINT FK_AccountHistory_Account REFERENCES dbo.Accounts (Id),
    At         datetimeoffset(7) NOT NULL,
    ActorId    nvarchar(64) NOT NULL,
    Change     nvarchar(20) NOT NULL CONSTRAINT CK_AccountHistory_Change
        CHECK (Change IN (N'Import', N'Create', N'GrantRole', N'RevokeRole', N'Disable', N'Enable')),
    Role       nvarchar(64) NULL,
    Details    nvarchar(4000) NOT NULL,
    TicketId   bigint NULL CONSTRAINT FK_AccountHistory_Ticket REFERENCES dbo.Tickets (Id)
);
CREATE INDEX IX_AccountHistory_Account ON dbo.AccountHistory (AccountId, Id);
CREATE INDEX IX_AccountHistory_Ticket ON dbo.AccountHistory (TicketId) WHERE TicketId IS NOT NULL;

CREATE TABLE dbo.AccessReviews (
    Id           bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_AccessReviews PRIMARY KEY,
    SystemId     nvarchar(64) NOT NULL CONSTRAINT FK_AccessReviews_System REFERENCES dbo.Systems (Id),
    UnitId       nvarchar(64) NOT NULL CONSTRAINT FK_AccessReviews_Unit REFERENCES dbo.Units (Id),
    UnitPath     nvarchar(450) COLLATE Latin1_General_BIN2 NOT NULL,
    Department   nvarchar(40) NULL,
    State        nvarchar(20) NOT NULL CONSTRAINT CK_AccessReviews_State CHECK (State IN (N'Open', N'Completed', N'Overdue')),
    DueBy        datetimeoffset(7) NOT NULL,
    Period       nvarchar(20) NULL,
    OpenedAt     datetimeoffset(7) NOT NULL,
    OpenedBy     nvarchar(64) NOT NULL,
    CompletedAt  datetimeoffset(7) NULL,
    OverdueAt    datetimeoffset(7) NULL
);
CREATE INDEX IX_AccessReviews_Scope ON dbo.AccessReviews (UnitPath, Id);
CREATE INDEX IX_AccessReviews_Due ON dbo.AccessReviews (DueBy) WHERE State = N'Open';
CREATE UNIQUE INDEX UQ_AccessReviews_Period ON dbo.AccessReviews (SystemId, UnitId, Period) WHERE Period IS NOT NULL;

CREATE TABLE dbo.AccessReviewItems (
    ReviewId   bigint NOT NULL CONSTRAINT FK_AccessReviewItems_Review REFERENCES dbo.AccessReviews (Id),
    AccountId  bigint NOT NULL CONSTRAINT FK_AccessReviewItems_Account REFERENCES dbo.Accounts (Id),
    Login      nvarchar(64) NOT NULL,
    Holder     nvarchar(100) NOT NULL,
    Roles      nvarchar(4000) NOT NULL,
    Decision   nvarchar(10) NULL CONSTRAINT CK_AccessReviewItems_Decision CHECK (Decision IN (N'Keep', N'Revoke')),
    Comment    nvarchar(2000) NULL,
    DecidedBy  nvarchar(64) NULL,
    DecidedAt  datetimeoffset(7) NULL,
    TicketId   bigint NULL CONSTRAINT FK_AccessReviewItems_Ticket REFERENCES dbo.Tickets (Id),
    CONSTRAINT PK_AccessReviewItems PRIMARY KEY (ReviewId, AccountId)
);

-- The account scheduler's lease (dormant accounts, overdue and quarterly reviews).
INSERT INTO dbo.SchedulerLeases (Name, Holder, ExpiresAt) VALUES (N'accounts', N'', '0001-01-01T00:00:00+00:00');
