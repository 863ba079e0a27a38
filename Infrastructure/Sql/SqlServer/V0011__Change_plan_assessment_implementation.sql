-- The change plan gains its transport part and who wrote its latest version; O&M's assessment (risk, impact) made when it
-- asks for the approval; and, when a change is resolved, when it was implemented and the test made after it.
ALTER TABLE Tickets ADD
    PlanTransport   nvarchar(4000)    NULL,
    PlanWrittenBy   nvarchar(64)      NULL,
    PlanWrittenAt   datetimeoffset(7) NULL,
    AssessedRisk    nvarchar(20)      NULL,
    AssessedImpact  nvarchar(4000)    NULL,
    AssessedBy      nvarchar(64)      NULL,
    AssessedAt      datetimeoffset(7) NULL,
    ImplementedAt   datetimeoffset(7) NULL,
    TestResult      nvarchar(4000)    NULL;
GO

-- Plans written before this version were written by whoever last asked for the approval: the history says who and when.
UPDATE t SET t.PlanWrittenBy = h.ActorId, t.PlanWrittenAt = h.At
FROM Tickets t
CROSS APPLY (SELECT TOP (1) ActorId, At FROM TicketHistory WHERE TicketId = t.Id AND Action = N'request-approval' ORDER BY Id DESC) h
WHERE t.PlanWhat IS NOT NULL;
