-- Who issued each API key: the issuing IT manager's user id, or the installation step ('bootstrap-admin', 'demo-data').
ALTER TABLE ApiKeys ADD COLUMN IssuedBy TEXT NULL CHECK (length(IssuedBy) <= 64);

-- Headquarters is the root of the unit tree, whatever its code: there is exactly one root. (SQLite's unique indexes
-- let NULLs repeat, so the index is on an expression that is the same for every root.)
CREATE UNIQUE INDEX UX_Units_OneRoot ON Units ((ParentId IS NULL)) WHERE ParentId IS NULL;
