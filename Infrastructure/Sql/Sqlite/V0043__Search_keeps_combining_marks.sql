-- The service keeps combining marks inside words (हिन्दी is one term, as on SQL Server, whose term table compares whole
-- terms); FTS5's unicode61 tokenizer split words at them by default, so a fragment such as हि matched on SQLite only.
-- The index is rebuilt with marks as word characters (SQL Server needs no change). The service indexes every ticket the
-- new index does not know right after migrating, as it did when the index was first made.
DROP TABLE TicketSearch;
CREATE VIRTUAL TABLE TicketSearch USING fts5(
    Fields, PublicNotes, InternalNotes,
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co Mn Mc' tokenchars '-'"
);
