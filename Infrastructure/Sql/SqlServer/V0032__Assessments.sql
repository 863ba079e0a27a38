-- Assessment (考核): versioned deduction rules as JSON documents, and the scores of each closed month, frozen under the
-- rules version they were computed with.
CREATE TABLE dbo.AssessmentRules (
    Version     int            NOT NULL CONSTRAINT PK_AssessmentRules PRIMARY KEY,
    Definition  nvarchar(4000) NOT NULL,
    CreatedAt   datetimeoffset(7) NOT NULL,
    CreatedBy   nvarchar(64)   NOT NULL
);

CREATE TABLE dbo.AssessmentPeriods (
    Period        nvarchar(7)  NOT NULL CONSTRAINT PK_AssessmentPeriods PRIMARY KEY CONSTRAINT CK_AssessmentPeriods_Period CHECK (LEN(Period) = 7),
    RulesVersion  int          NOT NULL CONSTRAINT FK_AssessmentPeriods_Rules REFERENCES dbo.AssessmentRules (Version),
    ClosedAt      datetimeoffset(7) NOT NULL,
    ClosedBy      nvarchar(64) NOT NULL
);

CREATE TABLE dbo.AssessmentScores (
    Period      nvarchar(7)    NOT NULL CONSTRAINT FK_AssessmentScores_Period REFERENCES dbo.AssessmentPeriods (Period),
    UnitId      nvarchar(64)   NOT NULL CONSTRAINT FK_AssessmentScores_Unit REFERENCES dbo.Units (Id),
    ParentId    nvarchar(64)   NOT NULL CONSTRAINT FK_AssessmentScores_Parent REFERENCES dbo.Units (Id),
    Score       float          NOT NULL CONSTRAINT CK_AssessmentScores_Score CHECK (Score >= 0 AND Score <= 100),
    Rank        int            NOT NULL CONSTRAINT CK_AssessmentScores_Rank CHECK (Rank >= 1),
    Deductions  nvarchar(4000) NOT NULL,
    CONSTRAINT PK_AssessmentScores PRIMARY KEY (Period, UnitId)
);
CREATE INDEX IX_AssessmentScores_Parent ON dbo.AssessmentScores (Period, ParentId);
