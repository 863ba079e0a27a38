-- Organisation (DOMAIN.md §2–3): units form a tree; Path ('/HQ/JS/') makes "this unit and below" a range scan.
CREATE TABLE Units (
    Id        TEXT NOT NULL PRIMARY KEY,
    Name      TEXT NOT NULL,
    ParentId  TEXT NULL REFERENCES Units (Id),
    Path      TEXT NOT NULL UNIQUE
);

CREATE TABLE SupportGroups (
    Id      TEXT NOT NULL PRIMARY KEY,
    Name    TEXT NOT NULL,
    UnitId  TEXT NOT NULL REFERENCES Units (Id),
    Line    TEXT NOT NULL CHECK (Line IN ('Line1', 'Line2System', 'Line2Business', 'Line3'))
);

CREATE TABLE Systems (
    Id               TEXT NOT NULL PRIMARY KEY,
    Name             TEXT NOT NULL,
    UnitId           TEXT NOT NULL REFERENCES Units (Id),
    OwnerDepartment  TEXT NOT NULL
);

CREATE TABLE Users (
    Id      TEXT NOT NULL PRIMARY KEY,
    Name    TEXT NOT NULL,
    UnitId  TEXT NOT NULL REFERENCES Units (Id),
    Kind    TEXT NOT NULL CHECK (Kind IN ('Person', 'Integration')),
    Roles   TEXT NOT NULL
);

CREATE TABLE GroupMembers (
    GroupId  TEXT NOT NULL REFERENCES SupportGroups (Id),
    UserId   TEXT NOT NULL REFERENCES Users (Id),
    PRIMARY KEY (GroupId, UserId)
);
CREATE INDEX IX_GroupMembers_User ON GroupMembers (UserId);

-- API keys are stored as the SHA-256 of the key, never the key itself.
CREATE TABLE ApiKeys (
    KeyHash    TEXT NOT NULL PRIMARY KEY,
    UserId     TEXT NOT NULL REFERENCES Users (Id),
    Name       TEXT NOT NULL,
    CreatedAt  TEXT NOT NULL,
    RevokedAt  TEXT NULL
);

-- DOMAIN.md §6 defaults; the matrix is data.
CREATE TABLE PriorityMatrix (
    Impact    TEXT NOT NULL,
    Urgency   TEXT NOT NULL,
    Priority  TEXT NOT NULL,
    PRIMARY KEY (Impact, Urgency)
);
INSERT INTO PriorityMatrix (Impact, Urgency, Priority) VALUES
    ('Enterprise', 'High', 'P1'), ('Enterprise', 'Medium', 'P1'), ('Enterprise', 'Low', 'P2'),
    ('Unit', 'High', 'P1'),       ('Unit', 'Medium', 'P2'),       ('Unit', 'Low', 'P3'),
    ('Individual', 'High', 'P2'), ('Individual', 'Medium', 'P3'), ('Individual', 'Low', 'P4');

CREATE TABLE TicketNumbers (
    UnitId      TEXT NOT NULL REFERENCES Units (Id),
    Year        INTEGER NOT NULL,
    LastNumber  INTEGER NOT NULL,
    PRIMARY KEY (UnitId, Year)
);

CREATE TABLE Tickets (
    Id                   INTEGER NOT NULL PRIMARY KEY,
    Number               TEXT NOT NULL UNIQUE,
    UnitId               TEXT NOT NULL REFERENCES Units (Id),
    UnitPath             TEXT NOT NULL,
    SystemId             TEXT NOT NULL REFERENCES Systems (Id),
    Category             TEXT NOT NULL,
    Title                TEXT NOT NULL,
    Description          TEXT NOT NULL,
    Impact               TEXT NOT NULL,
    Urgency              TEXT NOT NULL,
    Priority             TEXT NOT NULL,
    Status               TEXT NOT NULL,
    Outcome              TEXT NULL,
    GroupId              TEXT NULL REFERENCES SupportGroups (Id),
    AssigneeId           TEXT NULL REFERENCES Users (Id),
    RequesterId          TEXT NOT NULL REFERENCES Users (Id),
    CreatedAt            TEXT NOT NULL,
    UpdatedAt            TEXT NOT NULL,
    TriagedAt            TEXT NULL,
    ResolvedAt           TEXT NULL,
    ClosedAt             TEXT NULL,
    ConfirmationDue      TEXT NULL,
    ResolutionCode       TEXT NULL,
    Resolution           TEXT NULL,
    Satisfaction         INTEGER NULL,
    ApprovalStatus       TEXT NULL,
    ApprovalRequestedBy  TEXT NULL,
    PlanWhat             TEXT NULL,
    PlanBackup           TEXT NULL,
    PlanTest             TEXT NULL,
    PlanRollback         TEXT NULL,
    EscalatedAt          TEXT NULL,
    Version              INTEGER NOT NULL
);
-- Lists are newest first (Id descending) within the caller's unit subtree; each filter has an index in list order.
CREATE INDEX IX_Tickets_Scope     ON Tickets (UnitPath, Id);
CREATE INDEX IX_Tickets_Status    ON Tickets (Status, Id);
CREATE INDEX IX_Tickets_Group     ON Tickets (GroupId, Id);
CREATE INDEX IX_Tickets_Assignee  ON Tickets (AssigneeId, Id);
CREATE INDEX IX_Tickets_Requester ON Tickets (RequesterId, Id);
CREATE INDEX IX_Tickets_System    ON Tickets (SystemId, Id);
CREATE INDEX IX_Tickets_Created   ON Tickets (CreatedAt);

CREATE TABLE TicketHistory (
    Id          INTEGER NOT NULL PRIMARY KEY,
    TicketId    INTEGER NOT NULL REFERENCES Tickets (Id),
    At          TEXT NOT NULL,
    ActorId     TEXT NOT NULL,
    Action      TEXT NOT NULL,
    FromStatus  TEXT NULL,
    ToStatus    TEXT NULL,
    Details     TEXT NOT NULL,
    Internal    INTEGER NOT NULL
);
CREATE INDEX IX_TicketHistory_Ticket ON TicketHistory (TicketId, Id);

CREATE TABLE TicketComments (
    Id          INTEGER NOT NULL PRIMARY KEY,
    TicketId    INTEGER NOT NULL REFERENCES Tickets (Id),
    At          TEXT NOT NULL,
    AuthorId    TEXT NOT NULL REFERENCES Users (Id),
    Visibility  TEXT NOT NULL CHECK (Visibility IN ('Public', 'Internal')),
    Body        TEXT NOT NULL
);
CREATE INDEX IX_TicketComments_Ticket ON TicketComments (TicketId, Id);
