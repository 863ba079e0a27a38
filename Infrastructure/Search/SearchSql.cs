using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Search;

/// <summary>
/// Every statement of the search index, for one dialect. SQLite keeps one FTS5 row per ticket (rowid = ticket id; columns
/// Fields, PublicNotes, InternalNotes); SQL Server one row per (ticket, source, term) in TicketTerms. Both hold the
/// space-separated terms the service computed. The T-SQL parse test reads them all from here.
/// </summary>
public sealed class SearchSql
{
    public SearchSql(SqlDialect dialect)
    {
        if (dialect.Provider == DatabaseProvider.Sqlite)
        {
            // Written only when the terms differ, so that a change that leaves the text alone costs one read.
            SetFields = """
                UPDATE TicketSearch SET Fields = @Terms WHERE rowid = @TicketId AND Fields <> @Terms;
                INSERT INTO TicketSearch (rowid, Fields, PublicNotes, InternalNotes)
                SELECT @TicketId, @Terms, '', '' WHERE NOT EXISTS (SELECT 1 FROM TicketSearch WHERE rowid = @TicketId);
                """;
            AddPublicNote = "UPDATE TicketSearch SET PublicNotes = PublicNotes || ' ' || @Terms WHERE rowid = @TicketId";
            AddInternalNote = "UPDATE TicketSearch SET InternalNotes = InternalNotes || ' ' || @Terms WHERE rowid = @TicketId";
            Unindexed = """
                SELECT t.Id FROM Tickets t WHERE t.Id > @after AND NOT EXISTS (SELECT 1 FROM TicketSearch s WHERE s.rowid = t.Id) ORDER BY t.Id LIMIT @limit
                """;
            // The index drives the list: FTS5 walks the matches newest first (rowid = ticket id, descending, from the
            // cursor on) and each is looked up by its key, so a page stops after its rows however common the words are.
            ListFrom = "TicketSearch CROSS JOIN Tickets ON Tickets.Id = TicketSearch.rowid";
            ListId = "TicketSearch.rowid";
            // @Search is an FTS5 expression the service builds from quoted terms only (SearchIndex.MatchExpression).
            Matches = "TicketSearch MATCH @Search";
            InsertWhole = "INSERT INTO TicketSearch (rowid, Fields, PublicNotes, InternalNotes) VALUES (@TicketId, @Fields, @PublicNotes, @InternalNotes)";
            InsertFields = "INSERT INTO TicketSearch (rowid, Fields, PublicNotes, InternalNotes) VALUES (@TicketId, @Terms, '', '')";
        }
        else
        {
            ListFrom = "Tickets";
            ListId = "Id";
            InsertWhole = null;
            SetFields = Sync + Insert;
            InsertFields = Insert;
            AddPublicNote = Insert;
            AddInternalNote = Insert;
            Unindexed = """
                SELECT TOP (@limit) t.Id FROM Tickets t
                WHERE t.Id > @after AND NOT EXISTS (SELECT 1 FROM TicketTerms s WHERE s.TicketId = t.Id AND s.Source = 0) ORDER BY t.Id
                """;
            // Every term (@SearchTermCount distinct ones in @Search) in a source the caller may read (@SearchSource and below).
            Matches = """
                Id IN (SELECT s.TicketId FROM TicketTerms s
                    WHERE s.Term IN (SELECT value FROM STRING_SPLIT(@Search, N' ')) AND s.Source <= @SearchSource
                    GROUP BY s.TicketId HAVING COUNT(DISTINCT s.Term) = @SearchTermCount)
                """;
        }
    }

    /// <summary>Terms of the ticket's source 0 no longer in @Terms go; SQL Server only.</summary>
    private const string Sync = """
        DELETE FROM TicketTerms WHERE TicketId = @TicketId AND Source = @Source
            AND Term NOT IN (SELECT value FROM STRING_SPLIT(@Terms, N' '));

        """;

    /// <summary>Terms of @Terms the ticket's @Source does not have yet; SQL Server only.</summary>
    private const string Insert = """
        INSERT INTO TicketTerms (TicketId, Source, Term)
        SELECT DISTINCT @TicketId, @Source, s.value COLLATE Latin1_General_100_BIN2 FROM STRING_SPLIT(@Terms, N' ') s
        WHERE s.value <> N'' AND NOT EXISTS (
            SELECT 1 FROM TicketTerms x WHERE x.TicketId = @TicketId AND x.Source = @Source AND x.Term = s.value);
        """;

    /// <summary>Sets the terms of the ticket's number, title, description and resolution (@Terms), adding its row if missing.</summary>
    public string SetFields { get; }

    /// <summary>The terms (@Terms) of a ticket just stored, which has none yet.</summary>
    public string InsertFields { get; }

    /// <summary>Adds a public comment's terms to its ticket.</summary>
    public string AddPublicNote { get; }

    /// <summary>Adds an internal work note's terms to its ticket.</summary>
    public string AddInternalNote { get; }

    /// <summary>Up to @limit tickets after @after the index does not know yet (those from before it), oldest first.</summary>
    public string Unindexed { get; }

    /// <summary>The ticket-list condition: the ticket has every term asked for, where the caller may read it.</summary>
    public string Matches { get; }

    /// <summary>What a search lists from, and the ticket id there (its keyset and order).</summary>
    public string ListFrom { get; }

    public string ListId { get; }

    /// <summary>SQLite: a ticket's whole row at once (fields and notes), for tickets from before the index; null on SQL Server.</summary>
    public string? InsertWhole { get; }

    /// <summary>The text the index is built from, for a batch of tickets (@ids).</summary>
    public const string TicketTexts = "SELECT Id, Number, Title, Description, Resolution FROM Tickets WHERE Id IN @ids";

    public const string CommentTexts = "SELECT TicketId, Visibility, Body FROM TicketComments WHERE TicketId IN @ids ORDER BY Id";

    /// <summary>The highest ticket id up to which the index is known to hold every ticket (V0044).</summary>
    public const string IndexedThrough = "SELECT Value FROM Sequences WHERE Name = 'search-indexed'";

    /// <summary>Set when a pass found no ticket past it unindexed: every ticket there is now is in the index.</summary>
    public const string WholeThrough = "UPDATE Sequences SET Value = (SELECT COALESCE(MAX(Id), 0) FROM Tickets) WHERE Name = 'search-indexed'";

    public IEnumerable<string> All() =>
    [
        SetFields, InsertFields, AddPublicNote, AddInternalNote, Unindexed, $"SELECT {ListId} FROM {ListFrom} WHERE " + Matches, TicketTexts, CommentTexts,
        IndexedThrough, WholeThrough,
    ];
}
