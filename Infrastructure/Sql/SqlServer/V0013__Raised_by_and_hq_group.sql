-- Who raised each ticket: line 1 or an integration may raise one on behalf of a user, who is then its requester.
-- Tickets raised before this version were raised by their requester.
ALTER TABLE dbo.Tickets ADD RaisedBy nvarchar(64) NULL;
GO
UPDATE dbo.Tickets SET RaisedBy = RequesterId;
ALTER TABLE dbo.Tickets ALTER COLUMN RaisedBy nvarchar(64) NOT NULL;
ALTER TABLE dbo.Tickets ADD CONSTRAINT FK_Tickets_RaisedBy FOREIGN KEY (RaisedBy) REFERENCES dbo.Users (Id);

-- The caller's own external reference is unique per caller: the one who raised the ticket, not whom it was raised for.
DROP INDEX UX_Tickets_ExternalRef ON dbo.Tickets;
CREATE UNIQUE INDEX UX_Tickets_ExternalRef ON dbo.Tickets (RaisedBy, ExternalSystem, ExternalId) WHERE ExternalSystem IS NOT NULL;

-- The HQ group an escalation names (相关部门): only its members (and the HQ system) return or resolve the ticket.
ALTER TABLE dbo.Tickets ADD HqGroup nvarchar(64) NULL CONSTRAINT FK_Tickets_HqGroup REFERENCES dbo.SupportGroups (Id);
