-- The retention purge runs on one instance at a time, like the other background jobs.
INSERT INTO SchedulerLeases (Name, Holder, ExpiresAt) VALUES ('retention', '', '0001-01-01T00:00:00.0000000Z');

-- What the retention purge looks for by age.
CREATE INDEX IX_OutboxEvents_Dispatched ON OutboxEvents (OccurredAt) WHERE Dispatched = 1;
CREATE INDEX IX_WebhookDeliveries_Created ON WebhookDeliveries (CreatedAt);
CREATE INDEX IX_WebhookDeliveries_Event ON WebhookDeliveries (EventId);
CREATE INDEX IX_InboundEvents_Received ON InboundEvents (ReceivedAt);
CREATE INDEX IX_Notifications_Created ON Notifications (CreatedAt);

-- Subscriptions per unit are limited: counted by unit.
CREATE INDEX IX_WebhookSubscriptions_Unit ON WebhookSubscriptions (UnitId);

-- Comments per caller and ticket are limited per minute: counted by ticket, author and time.
CREATE INDEX IX_TicketComments_Author ON TicketComments (TicketId, AuthorId, At);
