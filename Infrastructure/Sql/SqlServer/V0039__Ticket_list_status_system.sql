-- The ticket list filtered by status and system (a queue: "in progress on ERP"), newest first: one seek and a walk down
-- the ids of the matching tickets. With only (Status, Id) or (SystemId, Id), a rare status on a common system read every
-- ticket of the system until a page was found (seconds at scale).
CREATE INDEX IX_Tickets_Status_System ON dbo.Tickets (Status, SystemId, Id);
