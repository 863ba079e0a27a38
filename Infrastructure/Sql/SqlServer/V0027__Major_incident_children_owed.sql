-- A major incident resolved owes its children their resolution until they have been through it: marked in the parent's
-- resolve transaction (whichever path resolved it), cleared once every child was tried, so that a disconnect or a crash
-- between the two is made good by the next scheduler pass.
CREATE TABLE dbo.MajorIncidentChildrenOwed (
    TicketId    bigint         NOT NULL CONSTRAINT PK_MajorIncidentChildrenOwed PRIMARY KEY
                               CONSTRAINT FK_MajorIncidentChildrenOwed_Ticket REFERENCES dbo.Tickets (Id),
    ResolvedBy  nvarchar(64)   NOT NULL,
    MarkedAt    datetimeoffset NOT NULL
);
