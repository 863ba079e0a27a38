-- Service levels (DOMAIN.md §6): calendars and versioned policies as JSON documents, one row per clock of a ticket.
CREATE TABLE Calendars (
    Code        TEXT NOT NULL PRIMARY KEY,
    Definition  TEXT NOT NULL,
    UpdatedAt   TEXT NOT NULL
);

CREATE TABLE SlaPolicies (
    Version     INTEGER NOT NULL PRIMARY KEY,
    Definition  TEXT NOT NULL,
    CreatedAt   TEXT NOT NULL,
    CreatedBy   TEXT NOT NULL
);

CREATE TABLE SlaClocks (
    Id              INTEGER NOT NULL PRIMARY KEY,
    TicketId        INTEGER NOT NULL REFERENCES Tickets (Id),
    Kind            TEXT NOT NULL,
    Calendar        TEXT NOT NULL,
    TargetMinutes   INTEGER NOT NULL,
    PolicyVersion   INTEGER NOT NULL,
    WarnAtPercent   INTEGER NOT NULL,
    State           TEXT NOT NULL,
    StartedAt       TEXT NOT NULL,
    StoppedAt       TEXT NULL,
    ElapsedMinutes  REAL NOT NULL,
    RunningSince    TEXT NULL,
    WarnAt          TEXT NULL,
    DueAt           TEXT NULL,
    Warned          INTEGER NOT NULL,
    BreachedAt      TEXT NULL,
    NextDeadline    TEXT NULL,
    Segments        TEXT NOT NULL
);
CREATE INDEX IX_SlaClocks_Ticket ON SlaClocks (TicketId);
-- The scheduler finds due clocks here, never by scanning tickets: only running clocks with a deadline ahead are indexed.
CREATE INDEX IX_SlaClocks_NextDeadline ON SlaClocks (NextDeadline) WHERE NextDeadline IS NOT NULL;

-- Notifications up the hierarchy: to a support group, or to the service desks / IT managers whose scope covers a unit path.
CREATE TABLE Notifications (
    Id             INTEGER NOT NULL PRIMARY KEY,
    TicketId       INTEGER NOT NULL REFERENCES Tickets (Id),
    Type           TEXT NOT NULL,
    RecipientKind  TEXT NOT NULL CHECK (RecipientKind IN ('Group', 'ServiceDesk', 'ItManagers')),
    Recipient      TEXT NOT NULL,
    CreatedAt      TEXT NOT NULL,
    Details        TEXT NOT NULL
);
CREATE INDEX IX_Notifications_Recipient ON Notifications (RecipientKind, Recipient, Id);

-- A lease per background job, so that one instance at a time runs it.
CREATE TABLE SchedulerLeases (
    Name       TEXT NOT NULL PRIMARY KEY,
    Holder     TEXT NOT NULL,
    ExpiresAt  TEXT NOT NULL
);
INSERT INTO SchedulerLeases (Name, Holder, ExpiresAt) VALUES ('sla', '', '0001-01-01T00:00:00.0000000Z');

ALTER TABLE Tickets ADD COLUMN SlaPolicyVersion INTEGER NOT NULL DEFAULT 1;
ALTER TABLE Tickets ADD COLUMN ResponseDue TEXT NULL;
ALTER TABLE Tickets ADD COLUMN ResolutionDue TEXT NULL;
ALTER TABLE Tickets ADD COLUMN SlaState TEXT NOT NULL DEFAULT 'Ok';
CREATE INDEX IX_Tickets_SlaState ON Tickets (SlaState, Id);
CREATE INDEX IX_Tickets_ConfirmationDue ON Tickets (Status, ConfirmationDue);
