-- A run saved with failed items owes their finding tickets until they are opened: marked in the run's own transaction,
-- cleared once they exist, so that a crash between the two is made good by the next scheduler pass.
ALTER TABLE InspectionRuns ADD COLUMN FindingsDue INTEGER NOT NULL DEFAULT 0 CHECK (FindingsDue IN (0, 1));
CREATE INDEX IX_InspectionRuns_FindingsDue ON InspectionRuns (Id) WHERE FindingsDue = 1;
