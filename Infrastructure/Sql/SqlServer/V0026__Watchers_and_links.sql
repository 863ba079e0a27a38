-- Who follows a ticket besides its requester: they read its public view and get its notifications.
CREATE TABLE dbo.TicketWatchers (
    TicketId  bigint         NOT NULL CONSTRAINT FK_TicketWatchers_Ticket REFERENCES dbo.Tickets (Id),
    UserId    nvarchar(64)   NOT NULL CONSTRAINT FK_TicketWatchers_User REFERENCES dbo.Users (Id),
    AddedBy   nvarchar(64)   NOT NULL,
    AddedAt   datetimeoffset NOT NULL,
    CONSTRAINT PK_TicketWatchers PRIMARY KEY (TicketId, UserId)
);
CREATE INDEX IX_TicketWatchers_User ON dbo.TicketWatchers (UserId, TicketId);

-- Tickets tied to one another: FromTicketId is Related to, a duplicate of, caused by, or a child of (its major incident) ToTicketId.
CREATE TABLE dbo.TicketLinks (
    Id            bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_TicketLinks PRIMARY KEY,
    Type          nvarchar(20)   NOT NULL CONSTRAINT CK_TicketLinks_Type CHECK (Type IN (N'Related', N'DuplicateOf', N'CausedBy', N'ChildOf')),
    FromTicketId  bigint         NOT NULL CONSTRAINT FK_TicketLinks_From REFERENCES dbo.Tickets (Id),
    ToTicketId    bigint         NOT NULL CONSTRAINT FK_TicketLinks_To REFERENCES dbo.Tickets (Id),
    CreatedBy     nvarchar(64)   NOT NULL,
    CreatedAt     datetimeoffset NOT NULL,
    CONSTRAINT CK_TicketLinks_NotItself CHECK (FromTicketId <> ToTicketId),
    CONSTRAINT UQ_TicketLinks UNIQUE (FromTicketId, ToTicketId, Type)
);
CREATE INDEX IX_TicketLinks_To ON dbo.TicketLinks (ToTicketId, Type);
