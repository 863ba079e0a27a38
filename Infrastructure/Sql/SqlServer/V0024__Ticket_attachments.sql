-- Files attached to tickets: the metadata here, the bytes in files named by their SHA-256 (Attachments:Directory).
CREATE TABLE dbo.TicketAttachments (
    Id           bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_TicketAttachments PRIMARY KEY,
    TicketId     bigint            NOT NULL CONSTRAINT FK_TicketAttachments_Ticket REFERENCES dbo.Tickets (Id),
    Name         nvarchar(255)     NOT NULL CONSTRAINT CK_TicketAttachments_Name CHECK (LEN(Name) >= 1),
    Size         bigint            NOT NULL CONSTRAINT CK_TicketAttachments_Size CHECK (Size > 0),
    ContentType  nvarchar(100)     NOT NULL CONSTRAINT CK_TicketAttachments_ContentType CHECK (LEN(ContentType) >= 1),
    Sha256       nvarchar(64)      NOT NULL CONSTRAINT CK_TicketAttachments_Sha256 CHECK (LEN(Sha256) = 64),
    Visibility   nvarchar(10)      NOT NULL CONSTRAINT CK_TicketAttachments_Visibility CHECK (Visibility IN (N'Public', N'Internal')),
    UploadedBy   nvarchar(64)      NOT NULL CONSTRAINT FK_TicketAttachments_UploadedBy REFERENCES dbo.Users (Id),
    UploadedAt   datetimeoffset(7) NOT NULL
);
CREATE INDEX IX_TicketAttachments_Ticket ON dbo.TicketAttachments (TicketId, Id);
CREATE INDEX IX_TicketAttachments_Sha256 ON dbo.TicketAttachments (Sha256);
