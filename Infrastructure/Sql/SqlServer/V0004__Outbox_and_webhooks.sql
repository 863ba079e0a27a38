-- Transactional outbox: an event is written in the same transaction as the change others must hear about.
CREATE TABLE dbo.OutboxEvents (
    Id          bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_OutboxEvents PRIMARY KEY,
    EventId     nvarchar(40)  NOT NULL CONSTRAINT UQ_OutboxEvents_EventId UNIQUE,
    Type        nvarchar(40)  NOT NULL,
    TicketId    bigint        NOT NULL CONSTRAINT FK_OutboxEvents_Ticket REFERENCES dbo.Tickets (Id),
    UnitPath    nvarchar(450) COLLATE Latin1_General_BIN2 NOT NULL,
    Payload     nvarchar(max) NOT NULL,
    OccurredAt  datetimeoffset(7) NOT NULL,
    Dispatched  bit           NOT NULL CONSTRAINT DF_OutboxEvents_Dispatched DEFAULT 0
);
CREATE INDEX IX_OutboxEvents_Undispatched ON dbo.OutboxEvents (Id) WHERE Dispatched = 0;

-- Webhook subscriptions of helpdesk tools, per unit (its subtree), filtered by event type.
CREATE TABLE dbo.WebhookSubscriptions (
    Id                   nvarchar(40)   NOT NULL CONSTRAINT PK_WebhookSubscriptions PRIMARY KEY,
    UnitId               nvarchar(64)   NOT NULL CONSTRAINT FK_WebhookSubscriptions_Unit REFERENCES dbo.Units (Id),
    UnitPath             nvarchar(450)  COLLATE Latin1_General_BIN2 NOT NULL,
    Url                  nvarchar(2000) NOT NULL,
    EventTypes           nvarchar(1000) NOT NULL,
    Secret               nvarchar(200)  NOT NULL,
    PreviousSecret       nvarchar(200)  NULL,
    PreviousSecretUntil  datetimeoffset(7) NULL,
    Enabled              bit            NOT NULL,
    DisabledReason       nvarchar(400)  NULL,
    CreatedBy            nvarchar(64)   NOT NULL,
    CreatedAt            datetimeoffset(7) NOT NULL
);

CREATE TABLE dbo.WebhookDeliveries (
    Id              bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_WebhookDeliveries PRIMARY KEY,
    SubscriptionId  nvarchar(40)  NOT NULL CONSTRAINT FK_WebhookDeliveries_Subscription REFERENCES dbo.WebhookSubscriptions (Id) ON DELETE CASCADE,
    EventId         nvarchar(40)  NOT NULL,
    TicketId        bigint        NOT NULL,
    State           nvarchar(12)  NOT NULL CONSTRAINT CK_WebhookDeliveries_State CHECK (State IN (N'Pending', N'Delivered', N'Failed', N'DeadLetter')),
    Attempts        int           NOT NULL,
    NextAttemptAt   datetimeoffset(7) NULL,
    LastStatus      int           NULL,
    LastError       nvarchar(1000) NULL,
    CreatedAt       datetimeoffset(7) NOT NULL,
    DeliveredAt     datetimeoffset(7) NULL
);
CREATE INDEX IX_WebhookDeliveries_Due ON dbo.WebhookDeliveries (NextAttemptAt) WHERE State = N'Pending';
CREATE INDEX IX_WebhookDeliveries_Subscription ON dbo.WebhookDeliveries (SubscriptionId, Id);
-- One delivery per subscription and event, whatever two dispatchers might do.
CREATE UNIQUE INDEX UX_WebhookDeliveries_Event ON dbo.WebhookDeliveries (SubscriptionId, EventId);
-- "Is an older delivery of this ticket still pending?" for in-order delivery per ticket.
CREATE INDEX IX_WebhookDeliveries_Ticket ON dbo.WebhookDeliveries (SubscriptionId, TicketId, Id) WHERE State = N'Pending';

INSERT INTO dbo.SchedulerLeases (Name, Holder, ExpiresAt) VALUES (N'outbox', N'', '0001-01-01T00:00:00+00:00');
