-- Who issued each API key: the issuing IT manager's user id, or the installation step ('bootstrap-admin', 'demo-data').
ALTER TABLE dbo.ApiKeys ADD IssuedBy nvarchar(64) NULL;

-- Headquarters is the root of the unit tree, whatever its code: there is exactly one root.
CREATE UNIQUE INDEX UX_Units_OneRoot ON dbo.Units (ParentId) WHERE ParentId IS NULL;
