-- Business departments: the approvers' departments and the owners of systems. A system is owned per unit: the owner
-- entry of the nearest unit on a ticket's unit path is the department that approves the ticket's changes.
CREATE TABLE Departments (
    Code    TEXT NOT NULL PRIMARY KEY CHECK (length(Code) <= 40),
    Name    TEXT NOT NULL CHECK (length(Name) <= 200),
    UnitId  TEXT NOT NULL REFERENCES Units (Id)
);
CREATE INDEX IX_Departments_Unit ON Departments (UnitId);

CREATE TABLE SystemOwners (
    SystemId        TEXT NOT NULL REFERENCES Systems (Id),
    UnitId          TEXT NOT NULL REFERENCES Units (Id),
    DepartmentCode  TEXT NOT NULL REFERENCES Departments (Code) CHECK (length(DepartmentCode) <= 40),
    PRIMARY KEY (SystemId, UnitId)
);

ALTER TABLE Users ADD COLUMN DepartmentCode TEXT NULL REFERENCES Departments (Code) CHECK (length(DepartmentCode) <= 40);

-- Each distinct owner text of a unit's systems becomes a department of that unit, coded 'DEPT-<n>' (numbered in
-- the order of unit and text, so that the code fits its column whatever the unit's id) and named by the text; it owns
-- those systems at their unit.
INSERT INTO Departments (Code, Name, UnitId)
SELECT 'DEPT-' || ROW_NUMBER() OVER (ORDER BY UnitId, OwnerDepartment), OwnerDepartment, UnitId
FROM (SELECT DISTINCT UnitId, OwnerDepartment FROM Systems);

INSERT INTO SystemOwners (SystemId, UnitId, DepartmentCode)
SELECT s.Id, s.UnitId, d.Code FROM Systems s JOIN Departments d ON d.UnitId = s.UnitId AND d.Name = s.OwnerDepartment;

-- The owner entries are the one source now.
ALTER TABLE Systems DROP COLUMN OwnerDepartment;
