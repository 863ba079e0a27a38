-- Who follows a ticket besides its requester: they read its public view and get its notifications.
CREATE TABLE TicketWatchers (
    TicketId  INTEGER NOT NULL REFERENCES Tickets (Id),
    UserId    TEXT NOT NULL REFERENCES Users (Id) CHECK (length(UserId) <= 64),
    AddedBy   TEXT NOT NULL CHECK (length(AddedBy) <= 64),
    AddedAt   TEXT NOT NULL,
    PRIMARY KEY (TicketId, UserId)
);
CREATE INDEX IX_TicketWatchers_User ON TicketWatchers (UserId, TicketId);

-- Tickets tied to one another: FromTicketId is Related to, a duplicate of, caused by, or a child of (its major incident) ToTicketId.
CREATE TABLE TicketLinks (
    Id            INTEGER NOT NULL PRIMARY KEY,
    Type          TEXT NOT NULL CHECK (Type IN ('Related', 'DuplicateOf', 'CausedBy', 'ChildOf')),
    FromTicketId  INTEGER NOT NULL REFERENCES Tickets (Id),
    ToTicketId    INTEGER NOT NULL REFERENCES Tickets (Id),
    CreatedBy     TEXT NOT NULL CHECK (length(CreatedBy) <= 64),
    CreatedAt     TEXT NOT NULL,
    CHECK (FromTicketId <> ToTicketId),
    UNIQUE (FromTicketId, ToTicketId, Type)
);
CREATE INDEX IX_TicketLinks_To ON TicketLinks (ToTicketId, Type);
