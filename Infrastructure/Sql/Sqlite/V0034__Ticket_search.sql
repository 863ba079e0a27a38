-- Full-text search. The service writes each ticket's search terms (Domain SearchTerms: words, CJK runs as overlapping
-- two-character terms) as space-separated text, in the same transaction as the ticket or comment they come from; FTS5
-- only splits them on spaces again. One row per ticket, rowid = ticket id: Fields holds the number, title, description
-- and resolution; PublicNotes the public comments; InternalNotes the internal work notes (searched for O&M roles only).
-- The tickets that exist already are indexed by the service right after migrating (it tokenises, not SQL).
CREATE VIRTUAL TABLE TicketSearch USING fts5(
    Fields, PublicNotes, InternalNotes,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '-'"
);
