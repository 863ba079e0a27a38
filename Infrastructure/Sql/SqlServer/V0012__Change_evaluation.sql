-- The owning department's evaluation of a change (effective or not, by whom, when), and when its being overdue was notified.
ALTER TABLE dbo.Tickets ADD Effective bit NULL, EvaluatedBy nvarchar(64) NULL, EvaluatedAt datetimeoffset(7) NULL,
    EvaluationOverdueNotifiedAt datetimeoffset(7) NULL;
GO

-- Notifications may go to a business department's approvers (by department code) or to a unit's approvers (by unit path).
ALTER TABLE dbo.Notifications DROP CONSTRAINT CK_Notifications_RecipientKind;
ALTER TABLE dbo.Notifications ADD CONSTRAINT CK_Notifications_RecipientKind
    CHECK (RecipientKind IN (N'Group', N'ServiceDesk', N'ItManagers', N'Approvers', N'DepartmentApprovers'));
