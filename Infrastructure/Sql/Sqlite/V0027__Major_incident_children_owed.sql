-- A major incident resolved owes its children their resolution until they have been through it: marked in the parent's
-- resolve transaction (whichever path resolved it), cleared once every child was tried, so that a disconnect or a crash
-- between the two is made good by the next scheduler pass.
CREATE TABLE MajorIncidentChildrenOwed (
    TicketId    INTEGER NOT NULL PRIMARY KEY REFERENCES Tickets (Id),
    ResolvedBy  TEXT NOT NULL CHECK (length(ResolvedBy) <= 64),
    MarkedAt    TEXT NOT NULL
);
