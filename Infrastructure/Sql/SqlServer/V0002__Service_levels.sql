-- Service levels (DOMAIN.md §6): calendars and versioned policies as JSON documents, one row per clock of a ticket.
CREATE TABLE dbo.Calendars (
    Code        nvarchar(32)  NOT NULL CONSTRAINT PK_Calendars PRIMARY KEY,
    Definition  nvarchar(max) NOT NULL,
    UpdatedAt   datetimeoffset(7) NOT NULL
);

CREATE TABLE dbo.SlaPolicies (
    Version     int           NOT NULL CONSTRAINT PK_SlaPolicies PRIMARY KEY,
    Definition  nvarchar(max) NOT NULL,
    CreatedAt   datetimeoffset(7) NOT NULL,
    CreatedBy   nvarchar(64)  NOT NULL
);

CREATE TABLE dbo.SlaClocks (
    Id              bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_SlaClocks PRIMARY KEY,
    TicketId        bigint        NOT NULL CONSTRAINT FK_SlaClocks_Ticket REFERENCES dbo.Tickets (Id),
    Kind            nvarchar(20)  NOT NULL,
    Calendar        nvarchar(32)  NOT NULL,
    TargetMinutes   int           NOT NULL,
    PolicyVersion   int           NOT NULL,
    WarnAtPercent   int           NOT NULL,
    State           nvarchar(20)  NOT NULL,
    StartedAt       datetimeoffset(7) NOT NULL,
    StoppedAt       datetimeoffset(7) NULL,
    ElapsedMinutes  float         NOT NULL,
    RunningSince    datetimeoffset(7) NULL,
    WarnAt          datetimeoffset(7) NULL,
    DueAt           datetimeoffset(7) NULL,
    Warned          bit           NOT NULL,
    BreachedAt      datetimeoffset(7) NULL,
    NextDeadline    datetimeoffset(7) NULL,
    Segments        nvarchar(max) NOT NULL
);
CREATE INDEX IX_SlaClocks_Ticket ON dbo.SlaClocks (TicketId);
-- The scheduler finds due clocks here, never by scanning tickets: only running clocks with a deadline ahead are indexed.
CREATE INDEX IX_SlaClocks_NextDeadline ON dbo.SlaClocks (NextDeadline) WHERE NextDeadline IS NOT NULL;

-- Notifications up the hierarchy: to a support group, or to the service desks / IT managers whose scope covers a unit path.
CREATE TABLE dbo.Notifications (
    Id             bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_Notifications PRIMARY KEY,
    TicketId       bigint        NOT NULL CONSTRAINT FK_Notifications_Ticket REFERENCES dbo.Tickets (Id),
    Type           nvarchar(30)  NOT NULL,
    RecipientKind  nvarchar(20)  NOT NULL CONSTRAINT CK_Notifications_RecipientKind CHECK (RecipientKind IN (N'Group', N'ServiceDesk', N'ItManagers')),
    Recipient      nvarchar(450) COLLATE Latin1_General_BIN2 NOT NULL,
    CreatedAt      datetimeoffset(7) NOT NULL,
    Details        nvarchar(max) NOT NULL
);
CREATE INDEX IX_Notifications_Recipient ON dbo.Notifications (RecipientKind, Recipient, Id);

-- A lease per background job, so that one instance at a time runs it.
CREATE TABLE dbo.SchedulerLeases (
    Name       nvarchar(32)  NOT NULL CONSTRAINT PK_SchedulerLeases PRIMARY KEY,
    Holder     nvarchar(200) NOT NULL,
    ExpiresAt  datetimeoffset(7) NOT NULL
);
INSERT INTO dbo.SchedulerLeases (Name, Holder, ExpiresAt) VALUES (N'sla', N'', '0001-01-01T00:00:00+00:00');

ALTER TABLE dbo.Tickets ADD
    SlaPolicyVersion int NOT NULL CONSTRAINT DF_Tickets_SlaPolicyVersion DEFAULT 1,
    ResponseDue datetimeoffset(7) NULL,
    ResolutionDue datetimeoffset(7) NULL,
    SlaState nvarchar(10) NOT NULL CONSTRAINT DF_Tickets_SlaState DEFAULT N'Ok';
GO
CREATE INDEX IX_Tickets_SlaState ON dbo.Tickets (SlaState, Id DESC) INCLUDE (UnitPath, RequesterId);
CREATE INDEX IX_Tickets_ConfirmationDue ON dbo.Tickets (Status, ConfirmationDue);
