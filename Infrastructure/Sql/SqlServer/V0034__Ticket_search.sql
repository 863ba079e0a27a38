-- Full-text search. The service writes each ticket's search terms (Domain SearchTerms: words, CJK runs as overlapping
-- two-character terms) here, in the same transaction as the ticket or comment they come from: no full-text index, so
-- nothing is indexed asynchronously and a search sees every committed change. Source: 0 the ticket's number, title,
-- description and resolution; 1 a public comment; 2 an internal work note (searched for O&M roles only). Terms are
-- lower-cased by the service and compared exactly (binary collation), as SQLite's index does.
-- The tickets that exist already are indexed by the service right after migrating (it tokenises, not SQL).
CREATE TABLE dbo.TicketTerms (
    TicketId bigint       NOT NULL CONSTRAINT FK_TicketTerms_Ticket REFERENCES dbo.Tickets (Id),
    Source   tinyint      NOT NULL CONSTRAINT CK_TicketTerms_Source CHECK (Source IN (0, 1, 2)),
    Term     nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT CK_TicketTerms_Term CHECK (Term <> N''),
    CONSTRAINT PK_TicketTerms PRIMARY KEY (TicketId, Source, Term)
);
CREATE INDEX IX_TicketTerms_Term ON dbo.TicketTerms (Term, TicketId) INCLUDE (Source);
