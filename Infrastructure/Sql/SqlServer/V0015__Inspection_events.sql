-- Events about inspection runs (inspection.completed, .failed, .missed) go through the outbox like ticket events but
-- belong to no ticket: the ticket becomes optional, the run is named instead.
-- A column in a foreign key cannot be altered: the key is dropped and made again around the change.
ALTER TABLE dbo.OutboxEvents DROP CONSTRAINT FK_OutboxEvents_Ticket;
ALTER TABLE dbo.OutboxEvents ALTER COLUMN TicketId bigint NULL;
ALTER TABLE dbo.OutboxEvents ADD CONSTRAINT FK_OutboxEvents_Ticket FOREIGN KEY (TicketId) REFERENCES dbo.Tickets (Id);
ALTER TABLE dbo.OutboxEvents ADD InspectionRunId bigint NULL CONSTRAINT FK_OutboxEvents_InspectionRun REFERENCES dbo.InspectionRuns (Id);
GO
ALTER TABLE dbo.OutboxEvents ADD CONSTRAINT CK_OutboxEvents_Subject CHECK (TicketId IS NOT NULL OR InspectionRunId IS NOT NULL);

DROP INDEX IX_WebhookDeliveries_Ticket ON dbo.WebhookDeliveries;
ALTER TABLE dbo.WebhookDeliveries ALTER COLUMN TicketId bigint NULL;
CREATE INDEX IX_WebhookDeliveries_Ticket ON dbo.WebhookDeliveries (SubscriptionId, TicketId, Id) WHERE State = N'Pending';
