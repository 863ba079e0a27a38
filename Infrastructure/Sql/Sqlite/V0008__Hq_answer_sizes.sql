-- SQLite does not enforce text sizes: refuse what SQL Server's columns would, so that an over-long value from HQ fails
-- the same way in tests as in production.
CREATE TRIGGER HqEscalations_Sizes_Insert BEFORE INSERT ON HqEscalations
WHEN length(NEW.EventId) > 40 OR length(NEW.HqReference) > 200 OR length(NEW.LastError) > 1000
BEGIN
    SELECT RAISE(ABORT, 'HqEscalations: a value is longer than its column allows');
END;

CREATE TRIGGER HqEscalations_Sizes_Update BEFORE UPDATE ON HqEscalations
WHEN length(NEW.EventId) > 40 OR length(NEW.HqReference) > 200 OR length(NEW.LastError) > 1000
BEGIN
    SELECT RAISE(ABORT, 'HqEscalations: a value is longer than its column allows');
END;

CREATE TRIGGER InboundEvents_Sizes_Insert BEFORE INSERT ON InboundEvents
WHEN length(NEW.Id) > 200 OR length(NEW.Source) > 40
BEGIN
    SELECT RAISE(ABORT, 'InboundEvents: a value is longer than its column allows');
END;

CREATE TRIGGER WebhookDeliveries_Sizes_Update BEFORE UPDATE ON WebhookDeliveries
WHEN length(NEW.LastError) > 1000
BEGIN
    SELECT RAISE(ABORT, 'WebhookDeliveries: a value is longer than its column allows');
END;

CREATE TRIGGER Units_Sizes_Insert BEFORE INSERT ON Units
WHEN length(NEW.Path) > 450
BEGIN
    SELECT RAISE(ABORT, 'Units: a value is longer than its column allows');
END;
