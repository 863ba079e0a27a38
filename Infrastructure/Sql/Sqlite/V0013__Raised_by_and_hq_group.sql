-- Who raised each ticket: line 1 or an integration may raise one on behalf of a user, who is then its requester.
-- Tickets raised before this version were raised by their requester.
ALTER TABLE Tickets ADD COLUMN RaisedBy TEXT NULL REFERENCES Users (Id) CHECK (length(RaisedBy) <= 64);
UPDATE Tickets SET RaisedBy = RequesterId;

-- SQLite cannot add a NOT NULL column without a default: refuse a missing one as SQL Server's NOT NULL column does.
CREATE TRIGGER Tickets_RaisedBy_Insert BEFORE INSERT ON Tickets
WHEN NEW.RaisedBy IS NULL
BEGIN
    SELECT RAISE(ABORT, 'Tickets: RaisedBy is required');
END;

CREATE TRIGGER Tickets_RaisedBy_Update BEFORE UPDATE OF RaisedBy ON Tickets
WHEN NEW.RaisedBy IS NULL
BEGIN
    SELECT RAISE(ABORT, 'Tickets: RaisedBy is required');
END;

-- The caller's own external reference is unique per caller: the one who raised the ticket, not whom it was raised for.
DROP INDEX UX_Tickets_ExternalRef;
CREATE UNIQUE INDEX UX_Tickets_ExternalRef ON Tickets (RaisedBy, ExternalSystem, ExternalId) WHERE ExternalSystem IS NOT NULL;

-- The HQ group an escalation names (相关部门): only its members (and the HQ system) return or resolve the ticket.
ALTER TABLE Tickets ADD COLUMN HqGroup TEXT NULL REFERENCES SupportGroups (Id) CHECK (length(HqGroup) <= 64);
