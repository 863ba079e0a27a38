-- Files attached to tickets: the metadata here, the bytes in files named by their SHA-256 (Attachments:Directory).
CREATE TABLE TicketAttachments (
    Id           INTEGER NOT NULL PRIMARY KEY,
    TicketId     INTEGER NOT NULL REFERENCES Tickets (Id),
    Name         TEXT NOT NULL CHECK (length(Name) BETWEEN 1 AND 255),
    Size         INTEGER NOT NULL CHECK (Size > 0),
    ContentType  TEXT NOT NULL CHECK (length(ContentType) BETWEEN 1 AND 100),
    Sha256       TEXT NOT NULL CHECK (length(Sha256) = 64),
    Visibility   TEXT NOT NULL CHECK (Visibility IN ('Public', 'Internal')),
    UploadedBy   TEXT NOT NULL REFERENCES Users (Id),
    UploadedAt   TEXT NOT NULL
);
CREATE INDEX IX_TicketAttachments_Ticket ON TicketAttachments (TicketId, Id);
CREATE INDEX IX_TicketAttachments_Sha256 ON TicketAttachments (Sha256);
