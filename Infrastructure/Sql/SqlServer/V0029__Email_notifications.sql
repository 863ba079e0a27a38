-- Notifications by e-mail: a user's address, language (NULL: the configured default) and switch.
ALTER TABLE dbo.Users ADD
    Email               nvarchar(254) NULL,
    Language            nvarchar(5)   NULL CONSTRAINT CK_Users_Language CHECK (Language IN (N'zh-CN', N'en')),
    EmailNotifications  bit           NOT NULL CONSTRAINT DF_Users_EmailNotifications DEFAULT 1;

-- When the e-mail dispatcher expanded a notification to its recipients' deliveries; NULL: not yet.
ALTER TABLE dbo.Notifications ADD EmailQueuedAt datetimeoffset(7) NULL;
GO
-- Notifications made before e-mail existed are not sent.
UPDATE dbo.Notifications SET EmailQueuedAt = CreatedAt;
CREATE INDEX IX_Notifications_EmailPending ON dbo.Notifications (Id) WHERE EmailQueuedAt IS NULL;

-- One e-mail per notification and user: the key makes a second expansion or a second dispatcher harmless, and the
-- state records what was sent, so a restart sends nothing twice. No reference to Notifications: their purge by age
-- must not depend on this table.
CREATE TABLE dbo.EmailDeliveries (
    NotificationId  bigint         NOT NULL,
    UserId          nvarchar(64)   NOT NULL,
    State           nvarchar(10)   NOT NULL CONSTRAINT CK_EmailDeliveries_State CHECK (State IN (N'Pending', N'Sent', N'Failed', N'Skipped')),
    Attempts        int            NOT NULL,
    NextAttemptAt   datetimeoffset(7) NULL,
    LastError       nvarchar(1000) NULL,
    CreatedAt       datetimeoffset(7) NOT NULL,
    SentAt          datetimeoffset(7) NULL,
    CONSTRAINT PK_EmailDeliveries PRIMARY KEY (NotificationId, UserId)
);
CREATE INDEX IX_EmailDeliveries_Due ON dbo.EmailDeliveries (NextAttemptAt) WHERE State = N'Pending';
CREATE INDEX IX_EmailDeliveries_Created ON dbo.EmailDeliveries (CreatedAt);

-- The e-mail dispatcher runs on one instance at a time, like the other background jobs.
INSERT INTO dbo.SchedulerLeases (Name, Holder, ExpiresAt) VALUES (N'email', N'', '0001-01-01T00:00:00+00:00');
