-- Notifications by e-mail: a user's address, language (NULL: the configured default) and switch.
ALTER TABLE Users ADD COLUMN Email TEXT NULL CHECK (length(Email) <= 254);
ALTER TABLE Users ADD COLUMN Language TEXT NULL CHECK (Language IN ('zh-CN', 'en'));
ALTER TABLE Users ADD COLUMN EmailNotifications INTEGER NOT NULL DEFAULT 1 CHECK (EmailNotifications IN (0, 1));

-- When the e-mail dispatcher expanded a notification to its recipients' deliveries; NULL: not yet. Notifications made
-- before e-mail existed are not sent.
ALTER TABLE Notifications ADD COLUMN EmailQueuedAt TEXT NULL;
UPDATE Notifications SET EmailQueuedAt = CreatedAt;
CREATE INDEX IX_Notifications_EmailPending ON Notifications (Id) WHERE EmailQueuedAt IS NULL;

-- One e-mail per notification and user: the key makes a second expansion or a second dispatcher harmless, and the
-- state records what was sent, so a restart sends nothing twice. No reference to Notifications: their purge by age
-- must not depend on this table.
CREATE TABLE EmailDeliveries (
    NotificationId  INTEGER NOT NULL,
    UserId          TEXT NOT NULL CHECK (length(UserId) <= 64),
    State           TEXT NOT NULL CHECK (State IN ('Pending', 'Sent', 'Failed', 'Skipped')),
    Attempts        INTEGER NOT NULL,
    NextAttemptAt   TEXT NULL,
    LastError       TEXT NULL CHECK (length(LastError) <= 1000),
    CreatedAt       TEXT NOT NULL,
    SentAt          TEXT NULL,
    PRIMARY KEY (NotificationId, UserId)
);
CREATE INDEX IX_EmailDeliveries_Due ON EmailDeliveries (NextAttemptAt) WHERE State = 'Pending';
CREATE INDEX IX_EmailDeliveries_Created ON EmailDeliveries (CreatedAt);

-- The e-mail dispatcher runs on one instance at a time, like the other background jobs.
INSERT INTO SchedulerLeases (Name, Holder, ExpiresAt) VALUES ('email', '', '0001-01-01T00:00:00.0000000Z');
