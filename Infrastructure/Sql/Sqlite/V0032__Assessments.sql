-- Assessment (考核): versioned deduction rules as JSON documents, and the scores of each closed month, frozen under the
-- rules version they were computed with.
CREATE TABLE AssessmentRules (
    Version     INTEGER NOT NULL PRIMARY KEY,
    Definition  TEXT NOT NULL CHECK (length(Definition) <= 4000),
    CreatedAt   TEXT NOT NULL,
    CreatedBy   TEXT NOT NULL CHECK (length(CreatedBy) <= 64)
);

CREATE TABLE AssessmentPeriods (
    Period        TEXT NOT NULL PRIMARY KEY CHECK (length(Period) = 7),
    RulesVersion  INTEGER NOT NULL REFERENCES AssessmentRules (Version),
    ClosedAt      TEXT NOT NULL,
    ClosedBy      TEXT NOT NULL CHECK (length(ClosedBy) <= 64)
);

CREATE TABLE AssessmentScores (
    Period      TEXT NOT NULL REFERENCES AssessmentPeriods (Period),
    UnitId      TEXT NOT NULL REFERENCES Units (Id),
    ParentId    TEXT NOT NULL REFERENCES Units (Id),
    Score       REAL NOT NULL CHECK (Score >= 0 AND Score <= 100),
    Rank        INTEGER NOT NULL CHECK (Rank >= 1),
    Deductions  TEXT NOT NULL CHECK (length(Deductions) <= 4000),
    PRIMARY KEY (Period, UnitId)
);
CREATE INDEX IX_AssessmentScores_Parent ON AssessmentScores (Period, ParentId);
