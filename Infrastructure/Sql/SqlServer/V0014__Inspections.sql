-- Daily application inspection (Art. 12): versioned plans, their runs, findings linked to their run item.
CREATE TABLE dbo.InspectionPlans (
    Id          bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_InspectionPlans PRIMARY KEY,
    UnitId      nvarchar(64)  NOT NULL CONSTRAINT FK_InspectionPlans_Unit REFERENCES dbo.Units (Id),
    UnitPath    nvarchar(450) COLLATE Latin1_General_BIN2 NOT NULL,
    SystemId    nvarchar(64)  NOT NULL CONSTRAINT FK_InspectionPlans_System REFERENCES dbo.Systems (Id),
    GroupId     nvarchar(64)  NOT NULL CONSTRAINT FK_InspectionPlans_Group REFERENCES dbo.SupportGroups (Id),
    Name        nvarchar(200) NOT NULL,
    Active      bit           NOT NULL,
    Version     int           NOT NULL,
    Definition  nvarchar(max) NOT NULL,
    NextRunAt   datetimeoffset(7) NULL,
    CreatedAt   datetimeoffset(7) NOT NULL,
    CreatedBy   nvarchar(64)  NOT NULL,
    UpdatedAt   datetimeoffset(7) NOT NULL,
    UpdatedBy   nvarchar(64)  NOT NULL
);
CREATE INDEX IX_InspectionPlans_Scope ON dbo.InspectionPlans (UnitPath, Id);
-- The scheduler finds due plans here, never by scanning runs.
CREATE INDEX IX_InspectionPlans_NextRunAt ON dbo.InspectionPlans (NextRunAt) WHERE NextRunAt IS NOT NULL;

CREATE TABLE dbo.InspectionPlanVersions (
    PlanId      bigint        NOT NULL CONSTRAINT FK_InspectionPlanVersions_Plan REFERENCES dbo.InspectionPlans (Id),
    Version     int           NOT NULL,
    Definition  nvarchar(max) NOT NULL,
    CreatedAt   datetimeoffset(7) NOT NULL,
    CreatedBy   nvarchar(64)  NOT NULL,
    CONSTRAINT PK_InspectionPlanVersions PRIMARY KEY (PlanId, Version)
);

CREATE TABLE dbo.InspectionRuns (
    Id           bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_InspectionRuns PRIMARY KEY,
    PlanId       bigint        NOT NULL CONSTRAINT FK_InspectionRuns_Plan REFERENCES dbo.InspectionPlans (Id),
    PlanVersion  int           NOT NULL,
    PlanName     nvarchar(200) NOT NULL,
    UnitId       nvarchar(64)  NOT NULL CONSTRAINT FK_InspectionRuns_Unit REFERENCES dbo.Units (Id),
    UnitPath     nvarchar(450) COLLATE Latin1_General_BIN2 NOT NULL,
    SystemId     nvarchar(64)  NOT NULL CONSTRAINT FK_InspectionRuns_System REFERENCES dbo.Systems (Id),
    GroupId      nvarchar(64)  NOT NULL CONSTRAINT FK_InspectionRuns_Group REFERENCES dbo.SupportGroups (Id),
    ScheduledAt  datetimeoffset(7) NOT NULL,
    Deadline     datetimeoffset(7) NOT NULL,
    State        nvarchar(20)  NOT NULL CONSTRAINT CK_InspectionRuns_State CHECK (State IN (N'Scheduled', N'InProgress', N'Passed', N'Failed', N'Missed')),
    StartedAt    datetimeoffset(7) NULL,
    StartedBy    nvarchar(64)  NULL,
    EndedAt      datetimeoffset(7) NULL,
    EndedBy      nvarchar(64)  NULL,
    Items        nvarchar(max) NOT NULL,
    Version      int           NOT NULL,
    -- One run per plan and due time, whatever a restarted or second scheduler does.
    CONSTRAINT UQ_InspectionRuns_Due UNIQUE (PlanId, ScheduledAt)
);
CREATE INDEX IX_InspectionRuns_Scope ON dbo.InspectionRuns (UnitPath, Id);
CREATE INDEX IX_InspectionRuns_System ON dbo.InspectionRuns (SystemId, Id);
CREATE INDEX IX_InspectionRuns_Scheduled ON dbo.InspectionRuns (ScheduledAt);
-- Open runs by deadline: what the scheduler marks Missed.
CREATE INDEX IX_InspectionRuns_Open ON dbo.InspectionRuns (Deadline) WHERE State IN (N'Scheduled', N'InProgress');

-- A finding ticket names its run item; exactly one ticket per run item.
ALTER TABLE dbo.Tickets ADD
    InspectionRunId bigint NULL CONSTRAINT FK_Tickets_InspectionRun REFERENCES dbo.InspectionRuns (Id),
    InspectionItem  nvarchar(32) NULL;
GO
CREATE UNIQUE INDEX UX_Tickets_Inspection ON dbo.Tickets (InspectionRunId, InspectionItem) WHERE InspectionRunId IS NOT NULL;

-- Notifications about a run (missed) have no ticket: the ticket becomes optional, the run is named instead.
-- A column in a foreign key cannot be altered: the key is dropped and made again around the change.
ALTER TABLE dbo.Notifications DROP CONSTRAINT FK_Notifications_Ticket;
ALTER TABLE dbo.Notifications ALTER COLUMN TicketId bigint NULL;
ALTER TABLE dbo.Notifications ADD CONSTRAINT FK_Notifications_Ticket FOREIGN KEY (TicketId) REFERENCES dbo.Tickets (Id);
ALTER TABLE dbo.Notifications ADD InspectionRunId bigint NULL CONSTRAINT FK_Notifications_InspectionRun REFERENCES dbo.InspectionRuns (Id);
GO
ALTER TABLE dbo.Notifications ADD CONSTRAINT CK_Notifications_Subject CHECK (TicketId IS NOT NULL OR InspectionRunId IS NOT NULL);

INSERT INTO dbo.SchedulerLeases (Name, Holder, ExpiresAt) VALUES (N'inspections', N'', '0001-01-01T00:00:00+00:00');
