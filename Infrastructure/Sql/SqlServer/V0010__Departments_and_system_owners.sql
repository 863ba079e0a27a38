-- Business departments: the approvers' departments and the owners of systems. A system is owned per unit: the owner
-- entry of the nearest unit on a ticket's unit path is the department that approves the ticket's changes.
CREATE TABLE dbo.Departments (
    Code    nvarchar(40)  NOT NULL CONSTRAINT PK_Departments PRIMARY KEY,
    Name    nvarchar(200) NOT NULL,
    UnitId  nvarchar(64)  NOT NULL CONSTRAINT FK_Departments_Unit REFERENCES dbo.Units (Id)
);
CREATE INDEX IX_Departments_Unit ON dbo.Departments (UnitId);

CREATE TABLE dbo.SystemOwners (
    SystemId        nvarchar(64) NOT NULL CONSTRAINT FK_SystemOwners_System REFERENCES dbo.Systems (Id),
    UnitId          nvarchar(64) NOT NULL CONSTRAINT FK_SystemOwners_Unit REFERENCES dbo.Units (Id),
    DepartmentCode  nvarchar(40) NOT NULL CONSTRAINT FK_SystemOwners_Department REFERENCES dbo.Departments (Code),
    CONSTRAINT PK_SystemOwners PRIMARY KEY (SystemId, UnitId)
);

ALTER TABLE dbo.Users ADD DepartmentCode nvarchar(40) NULL CONSTRAINT FK_Users_Department REFERENCES dbo.Departments (Code);
GO

-- Each distinct owner text of a unit's systems becomes a department of that unit, coded 'DEPT-<n>' (numbered in
-- the order of unit and text, so that the code fits its column whatever the unit's id) and named by the text; it owns
-- those systems at their unit.
INSERT INTO dbo.Departments (Code, Name, UnitId)
SELECT CONCAT(N'DEPT-', ROW_NUMBER() OVER (ORDER BY o.UnitId, o.OwnerDepartment)), o.OwnerDepartment, o.UnitId
FROM (SELECT DISTINCT UnitId, OwnerDepartment FROM dbo.Systems) o;

INSERT INTO dbo.SystemOwners (SystemId, UnitId, DepartmentCode)
SELECT s.Id, s.UnitId, d.Code FROM dbo.Systems s JOIN dbo.Departments d ON d.UnitId = s.UnitId AND d.Name = s.OwnerDepartment;
GO

-- The owner entries are the one source now.
ALTER TABLE dbo.Systems DROP COLUMN OwnerDepartment;
