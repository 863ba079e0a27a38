-- Who approved a change and when: the approver may not implement it, and it is implemented after the approval.
ALTER TABLE Tickets ADD ApprovedBy nvarchar(64) NULL, ApprovedAt datetimeoffset(7) NULL;
GO

-- Changes approved before this version: the approval is in the history.
UPDATE t SET t.ApprovedBy = h.ActorId, t.ApprovedAt = h.At
FROM Tickets t
CROSS APPLY (SELECT TOP (1) ActorId, At FROM TicketHistory WHERE TicketId = t.Id AND Action = N'approve' ORDER BY Id DESC) h
WHERE t.ApprovalStatus = N'Approved';
