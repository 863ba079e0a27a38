-- A run saved with failed items owes their finding tickets until they are opened: marked in the run's own transaction,
-- cleared once they exist, so that a crash between the two is made good by the next scheduler pass.
ALTER TABLE dbo.InspectionRuns ADD FindingsDue bit NOT NULL CONSTRAINT DF_InspectionRuns_FindingsDue DEFAULT 0;
GO

CREATE INDEX IX_InspectionRuns_FindingsDue ON dbo.InspectionRuns (Id) WHERE FindingsDue = 1;
