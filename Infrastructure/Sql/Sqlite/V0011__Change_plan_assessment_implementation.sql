-- The change plan gains its transport part and who wrote its latest version; O&M's assessment (risk, impact) made when it
-- asks for the approval; and, when a change is resolved, when it was implemented and the test made after it.
-- SQLite does not enforce text sizes: each column refuses what SQL Server's would.
ALTER TABLE Tickets ADD COLUMN PlanTransport TEXT NULL CHECK (length(PlanTransport) <= 4000);
ALTER TABLE Tickets ADD COLUMN PlanWrittenBy TEXT NULL CHECK (length(PlanWrittenBy) <= 64);
ALTER TABLE Tickets ADD COLUMN PlanWrittenAt TEXT NULL;
ALTER TABLE Tickets ADD COLUMN AssessedRisk TEXT NULL CHECK (length(AssessedRisk) <= 20);
ALTER TABLE Tickets ADD COLUMN AssessedImpact TEXT NULL CHECK (length(AssessedImpact) <= 4000);
ALTER TABLE Tickets ADD COLUMN AssessedBy TEXT NULL CHECK (length(AssessedBy) <= 64);
ALTER TABLE Tickets ADD COLUMN AssessedAt TEXT NULL;
ALTER TABLE Tickets ADD COLUMN ImplementedAt TEXT NULL;
ALTER TABLE Tickets ADD COLUMN TestResult TEXT NULL CHECK (length(TestResult) <= 4000);

-- The plan's older parts have no CHECK of their own (V0001): the same limit as triggers.
CREATE TRIGGER Tickets_PlanSizes_Insert BEFORE INSERT ON Tickets
WHEN length(NEW.PlanWhat) > 4000 OR length(NEW.PlanBackup) > 4000 OR length(NEW.PlanTest) > 4000 OR length(NEW.PlanRollback) > 4000
BEGIN
    SELECT RAISE(ABORT, 'Tickets: a plan part is longer than its column allows');
END;

CREATE TRIGGER Tickets_PlanSizes_Update BEFORE UPDATE OF PlanWhat, PlanBackup, PlanTest, PlanRollback ON Tickets
WHEN length(NEW.PlanWhat) > 4000 OR length(NEW.PlanBackup) > 4000 OR length(NEW.PlanTest) > 4000 OR length(NEW.PlanRollback) > 4000
BEGIN
    SELECT RAISE(ABORT, 'Tickets: a plan part is longer than its column allows');
END;

-- Plans written before this version were written by whoever last asked for the approval: the history says who and when.
UPDATE Tickets SET
    PlanWrittenBy = (SELECT h.ActorId FROM TicketHistory h WHERE h.TicketId = Tickets.Id AND h.Action = 'request-approval' ORDER BY h.Id DESC LIMIT 1),
    PlanWrittenAt = (SELECT h.At FROM TicketHistory h WHERE h.TicketId = Tickets.Id AND h.Action = 'request-approval' ORDER BY h.Id DESC LIMIT 1)
WHERE PlanWhat IS NOT NULL;
