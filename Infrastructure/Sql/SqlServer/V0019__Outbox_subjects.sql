-- Events about neither a ticket nor an inspection run (configuration entered without a ticket, access reviews) name their
-- subject instead (e.g. configuration:ERP:JS:Production:posting.period.open, access-review:7).
ALTER TABLE dbo.OutboxEvents ADD Subject nvarchar(200) NULL;
GO
ALTER TABLE dbo.OutboxEvents DROP CONSTRAINT CK_OutboxEvents_Subject;
ALTER TABLE dbo.OutboxEvents ADD CONSTRAINT CK_OutboxEvents_Subject
    CHECK (TicketId IS NOT NULL OR InspectionRunId IS NOT NULL OR Subject IS NOT NULL);
