-- Daily application inspection (Art. 12): versioned plans, their runs, findings linked to their run item.
CREATE TABLE InspectionPlans (
    Id          INTEGER NOT NULL PRIMARY KEY,
    UnitId      TEXT NOT NULL REFERENCES Units (Id),
    UnitPath    TEXT NOT NULL,
    SystemId    TEXT NOT NULL REFERENCES Systems (Id),
    GroupId     TEXT NOT NULL REFERENCES SupportGroups (Id),
    Name        TEXT NOT NULL CHECK (length(Name) <= 200),
    Active      INTEGER NOT NULL,
    Version     INTEGER NOT NULL,
    Definition  TEXT NOT NULL,
    NextRunAt   TEXT NULL,
    CreatedAt   TEXT NOT NULL,
    CreatedBy   TEXT NOT NULL CHECK (length(CreatedBy) <= 64),
    UpdatedAt   TEXT NOT NULL,
    UpdatedBy   TEXT NOT NULL CHECK (length(UpdatedBy) <= 64)
);
CREATE INDEX IX_InspectionPlans_Scope ON InspectionPlans (UnitPath, Id);
-- The scheduler finds due plans here, never by scanning runs.
CREATE INDEX IX_InspectionPlans_NextRunAt ON InspectionPlans (NextRunAt) WHERE NextRunAt IS NOT NULL;

CREATE TABLE InspectionPlanVersions (
    PlanId      INTEGER NOT NULL REFERENCES InspectionPlans (Id),
    Version     INTEGER NOT NULL,
    Definition  TEXT NOT NULL,
    CreatedAt   TEXT NOT NULL,
    CreatedBy   TEXT NOT NULL CHECK (length(CreatedBy) <= 64),
    PRIMARY KEY (PlanId, Version)
);

CREATE TABLE InspectionRuns (
    Id           INTEGER NOT NULL PRIMARY KEY,
    PlanId       INTEGER NOT NULL REFERENCES InspectionPlans (Id),
    PlanVersion  INTEGER NOT NULL,
    PlanName     TEXT NOT NULL CHECK (length(PlanName) <= 200),
    UnitId       TEXT NOT NULL REFERENCES Units (Id),
    UnitPath     TEXT NOT NULL,
    SystemId     TEXT NOT NULL REFERENCES Systems (Id),
    GroupId      TEXT NOT NULL REFERENCES SupportGroups (Id),
    ScheduledAt  TEXT NOT NULL,
    Deadline     TEXT NOT NULL,
    State        TEXT NOT NULL CHECK (State IN ('Scheduled', 'InProgress', 'Passed', 'Failed', 'Missed')),
    StartedAt    TEXT NULL,
    StartedBy    TEXT NULL CHECK (length(StartedBy) <= 64),
    EndedAt      TEXT NULL,
    EndedBy      TEXT NULL CHECK (length(EndedBy) <= 64),
    Items        TEXT NOT NULL,
    Version      INTEGER NOT NULL,
    -- One run per plan and due time, whatever a restarted or second scheduler does.
    CONSTRAINT UQ_InspectionRuns_Due UNIQUE (PlanId, ScheduledAt)
);
CREATE INDEX IX_InspectionRuns_Scope ON InspectionRuns (UnitPath, Id);
CREATE INDEX IX_InspectionRuns_System ON InspectionRuns (SystemId, Id);
CREATE INDEX IX_InspectionRuns_Scheduled ON InspectionRuns (ScheduledAt);
-- Open runs by deadline: what the scheduler marks Missed.
CREATE INDEX IX_InspectionRuns_Open ON InspectionRuns (Deadline) WHERE State IN ('Scheduled', 'InProgress');

-- A finding ticket names its run item; exactly one ticket per run item.
ALTER TABLE Tickets ADD COLUMN InspectionRunId INTEGER NULL REFERENCES InspectionRuns (Id);
ALTER TABLE Tickets ADD COLUMN InspectionItem TEXT NULL CHECK (length(InspectionItem) <= 32);
CREATE UNIQUE INDEX UX_Tickets_Inspection ON Tickets (InspectionRunId, InspectionItem) WHERE InspectionRunId IS NOT NULL;

-- Notifications about a run (missed) have no ticket: the ticket becomes optional, the run is named instead.
CREATE TABLE Notifications_New (
    Id               INTEGER NOT NULL PRIMARY KEY,
    TicketId         INTEGER NULL REFERENCES Tickets (Id),
    InspectionRunId  INTEGER NULL REFERENCES InspectionRuns (Id),
    Type             TEXT NOT NULL,
    RecipientKind    TEXT NOT NULL CHECK (RecipientKind IN ('Group', 'ServiceDesk', 'ItManagers', 'Approvers', 'DepartmentApprovers')),
    Recipient        TEXT NOT NULL,
    CreatedAt        TEXT NOT NULL,
    Details          TEXT NOT NULL,
    CHECK (TicketId IS NOT NULL OR InspectionRunId IS NOT NULL)
);
INSERT INTO Notifications_New (Id, TicketId, Type, RecipientKind, Recipient, CreatedAt, Details)
SELECT Id, TicketId, Type, RecipientKind, Recipient, CreatedAt, Details FROM Notifications;
DROP TABLE Notifications;
ALTER TABLE Notifications_New RENAME TO Notifications;
CREATE INDEX IX_Notifications_Recipient ON Notifications (RecipientKind, Recipient, Id);
CREATE INDEX IX_Notifications_Created ON Notifications (CreatedAt);

INSERT INTO SchedulerLeases (Name, Holder, ExpiresAt) VALUES ('inspections', '', '0001-01-01T00:00:00.0000000Z');
