-- Dormant accounts are listed longest idle first: the page seeks (SystemId, IdleSince, Login) after its cursor and reads
-- only Active accounts idle since before the cutoff, however deep it is; UnitPath settles the caller's scope from the index.
CREATE INDEX IX_Accounts_Idle ON dbo.Accounts (SystemId, IdleSince, Login) INCLUDE (UnitPath, Department) WHERE Status = N'Active';
