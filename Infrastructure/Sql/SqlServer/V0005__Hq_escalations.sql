-- Escalations sent to the HQ system: one row per escalation event, with its delivery state.
CREATE TABLE dbo.HqEscalations (
    Id             bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_HqEscalations PRIMARY KEY,
    EventId        nvarchar(40)   NOT NULL CONSTRAINT UQ_HqEscalations_EventId UNIQUE,
    TicketId       bigint         NOT NULL CONSTRAINT FK_HqEscalations_Ticket REFERENCES dbo.Tickets (Id),
    State          nvarchar(14)   NOT NULL CONSTRAINT CK_HqEscalations_State CHECK (State IN (N'Queued', N'Sent', N'Acknowledged', N'Returned', N'Resolved', N'Failed')),
    Attempts       int            NOT NULL,
    NextAttemptAt  datetimeoffset(7) NULL,
    LastStatus     int            NULL,
    LastError      nvarchar(1000) NULL,
    HqReference    nvarchar(200)  NULL,
    CreatedAt      datetimeoffset(7) NOT NULL,
    UpdatedAt      datetimeoffset(7) NOT NULL
);
CREATE INDEX IX_HqEscalations_Ticket ON dbo.HqEscalations (TicketId, Id);
CREATE INDEX IX_HqEscalations_Due ON dbo.HqEscalations (NextAttemptAt) WHERE State = N'Queued';

-- Events received from the HQ system, by their webhook-id: each is applied once.
CREATE TABLE dbo.InboundEvents (
    Id          nvarchar(200) NOT NULL CONSTRAINT PK_InboundEvents PRIMARY KEY,
    Source      nvarchar(40)  NOT NULL,
    ReceivedAt  datetimeoffset(7) NOT NULL
);
