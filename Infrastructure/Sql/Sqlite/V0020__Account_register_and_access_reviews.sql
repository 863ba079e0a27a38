-- The account register (Art. 4, 10(5)): each system's accounts with their holder, unit, roles and status, kept by the
-- AccountPermission changes that alter them. IdleSince is the last use, or the creation when never used: an Active
-- account idle since before now minus Accounts:DormantAfterDays is dormant (a plain SQL condition, for reports too).
CREATE TABLE Accounts (
    Id                 INTEGER NOT NULL PRIMARY KEY,
    SystemId           TEXT NOT NULL REFERENCES Systems (Id),
    Login              TEXT NOT NULL COLLATE NOCASE CHECK (length(Login) BETWEEN 1 AND 64),
    Holder             TEXT NOT NULL CHECK (length(Holder) BETWEEN 1 AND 100),
    UserId             TEXT NULL CHECK (length(UserId) <= 64),
    UnitId             TEXT NOT NULL REFERENCES Units (Id),
    UnitPath           TEXT NOT NULL,
    Department         TEXT NULL CHECK (length(Department) <= 100),
    Roles              TEXT NOT NULL CHECK (length(Roles) <= 4000),
    Status             TEXT NOT NULL CHECK (Status IN ('Active', 'Disabled')),
    LastUsedAt         TEXT NULL,
    IdleSince          TEXT NOT NULL,
    DormantNotifiedAt  TEXT NULL,
    CreatedAt          TEXT NOT NULL,
    UpdatedAt          TEXT NOT NULL,
    -- Logins compare case-insensitively (NOCASE), as on SQL Server: unique per system, listed in that order.
    CONSTRAINT UQ_Accounts_Login UNIQUE (SystemId, Login)
);
-- What the scheduler notifies: Active accounts idle too long and not yet notified.
CREATE INDEX IX_Accounts_Dormant ON Accounts (IdleSince) WHERE Status = 'Active' AND DormantNotifiedAt IS NULL;

CREATE TABLE AccountHistory (
    Id         INTEGER NOT NULL PRIMARY KEY,
    AccountId  INTEGER NOT NULL REFERENCES Accounts (Id),
    At         TEXT NOT NULL,
    ActorId    TEXT NOT NULL CHECK (length(ActorId) <= 64),
    Change     TEXT NOT NULL CHECK (Change IN ('Import', 'Create', 'GrantRole', 'RevokeRole', 'Disable', 'Enable')),
    Role       TEXT NULL CHECK (length(Role) <= 64),
    Details    TEXT NOT NULL CHECK (length(Details) <= 4000),
    TicketId   INTEGER NULL REFERENCES Tickets (Id)
);
CREATE INDEX IX_AccountHistory_Account ON AccountHistory (AccountId, Id);
CREATE INDEX IX_AccountHistory_Ticket ON AccountHistory (TicketId) WHERE TicketId IS NOT NULL;

-- Access reviews: one system in one unit subtree, decided item by item by the owning department's approvers.
CREATE TABLE AccessReviews (
    Id           INTEGER NOT NULL PRIMARY KEY,
    SystemId     TEXT NOT NULL REFERENCES Systems (Id),
    UnitId       TEXT NOT NULL REFERENCES Units (Id),
    UnitPath     TEXT NOT NULL,
    Department   TEXT NULL CHECK (length(Department) <= 40),
    State        TEXT NOT NULL CHECK (State IN ('Open', 'Completed', 'Overdue')),
    DueBy        TEXT NOT NULL,
    Period       TEXT NULL CHECK (length(Period) <= 20),
    OpenedAt     TEXT NOT NULL,
    OpenedBy     TEXT NOT NULL CHECK (length(OpenedBy) <= 64),
    CompletedAt  TEXT NULL,
    OverdueAt    TEXT NULL
);
CREATE INDEX IX_AccessReviews_Scope ON AccessReviews (UnitPath, Id);
CREATE INDEX IX_AccessReviews_Due ON AccessReviews (DueBy) WHERE State = 'Open';
-- One scheduled review per system, unit and quarter.
CREATE UNIQUE INDEX UQ_AccessReviews_Period ON AccessReviews (SystemId, UnitId, Period) WHERE Period IS NOT NULL;

CREATE TABLE AccessReviewItems (
    ReviewId   INTEGER NOT NULL REFERENCES AccessReviews (Id),
    AccountId  INTEGER NOT NULL REFERENCES Accounts (Id),
    Login      TEXT NOT NULL COLLATE NOCASE CHECK (length(Login) <= 64),
    Holder     TEXT NOT NULL CHECK (length(Holder) <= 100),
    Roles      TEXT NOT NULL CHECK (length(Roles) <= 4000),
    Decision   TEXT NULL CHECK (Decision IN ('Keep', 'Revoke')),
    Comment    TEXT NULL CHECK (length(Comment) <= 2000),
    DecidedBy  TEXT NULL CHECK (length(DecidedBy) <= 64),
    DecidedAt  TEXT NULL,
    TicketId   INTEGER NULL REFERENCES Tickets (Id),
    PRIMARY KEY (ReviewId, AccountId)
);

-- The account scheduler's lease (dormant accounts, overdue and quarterly reviews).
INSERT INTO SchedulerLeases (Name, Holder, ExpiresAt) VALUES ('accounts', '', '0001-01-01T00:00:00.0000000Z');
