-- Who approved a change and when: the approver may not implement it, and it is implemented after the approval.
ALTER TABLE Tickets ADD COLUMN ApprovedBy TEXT NULL CHECK (length(ApprovedBy) <= 64);
ALTER TABLE Tickets ADD COLUMN ApprovedAt TEXT NULL;

-- Changes approved before this version: the approval is in the history.
UPDATE Tickets SET
    ApprovedBy = (SELECT h.ActorId FROM TicketHistory h WHERE h.TicketId = Tickets.Id AND h.Action = 'approve' ORDER BY h.Id DESC LIMIT 1),
    ApprovedAt = (SELECT h.At FROM TicketHistory h WHERE h.TicketId = Tickets.Id AND h.Action = 'approve' ORDER BY h.Id DESC LIMIT 1)
WHERE ApprovalStatus = 'Approved';
