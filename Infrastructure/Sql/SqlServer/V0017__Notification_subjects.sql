-- A notification may be about something that is neither a ticket nor an inspection run (an account, an access review):
-- Subject names it ("account:ERP:zhangsan", "access-review:7"). A notification may also be for one user (a ticket's
-- watcher): RecipientKind 'User', Recipient the user's id.
ALTER TABLE dbo.Notifications ADD Subject nvarchar(200) NULL;
GO
ALTER TABLE dbo.Notifications DROP CONSTRAINT CK_Notifications_Subject;
ALTER TABLE dbo.Notifications ADD CONSTRAINT CK_Notifications_Subject
    CHECK (TicketId IS NOT NULL OR InspectionRunId IS NOT NULL OR Subject IS NOT NULL);
ALTER TABLE dbo.Notifications DROP CONSTRAINT CK_Notifications_RecipientKind;
ALTER TABLE dbo.Notifications ADD CONSTRAINT CK_Notifications_RecipientKind
    CHECK (RecipientKind IN (N'Group', N'ServiceDesk', N'ItManagers', N'Approvers', N'DepartmentApprovers', N'User'));
