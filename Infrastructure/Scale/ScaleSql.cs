using System.Globalization;
using System.Text.RegularExpressions;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Infrastructure.Scale;

/// <summary>
/// The statements of the benchmark seed beyond the stores' own (which it reuses). SQLite only: the seed writes the embedded
/// database, so none of these is sent to SQL Server and the T-SQL parse test does not read them.
/// </summary>
public static partial class ScaleSql
{
    public const string PriorityMatrix = "SELECT Impact, Urgency, Priority FROM PriorityMatrix";
    public const string LastTicketId = "SELECT MAX(Id) FROM Tickets";
    public const string TicketNumbers = "SELECT UnitId, Year, LastNumber FROM TicketNumbers";
    public const string LastChange = "SELECT Value FROM Sequences WHERE Name = 'ticket-change'";

    /// <summary>Every ticket column, the id included (the store's insert lets the database choose it).</summary>
    public static string InsertTicket()
    {
        var columns = TicketSql.Columns.Split(',').Select(c => c.Trim()).ToArray();
        return $"INSERT INTO Tickets ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))})";
    }

    /// <summary>A clock as the store inserts it, with the unit path and priority the store copies from its ticket right after.</summary>
    public const string InsertClock = $"INSERT INTO SlaClocks ({SlaSql.InsertedClockColumns}, UnitPath, Priority) VALUES ({SlaSql.ClockValues}, @UnitPath, @Priority)";

    /// <summary>The lives to repeat (in memory, on the seed's own connection): which ticket, how many days later, and as what.</summary>
    public const string Repeats = """
        CREATE TEMP TABLE Repeats (
            Id INTEGER NOT NULL PRIMARY KEY, LifeId INTEGER NOT NULL, Days INTEGER NOT NULL, Number TEXT NOT NULL,
            ChangeSequence INTEGER NOT NULL, Fields TEXT NOT NULL);
        """;

    public const string NoteRepeat = """
        INSERT INTO temp.Repeats (Id, LifeId, Days, Number, ChangeSequence, Fields) VALUES (@Id, @LifeId, @Days, @Number, @ChangeSequence, @Fields)
        """;

    /// <summary>
    /// Copies the noted lives inside the database, each table's rows with the stores' own columns: a ticket's own id, number
    /// and change sequence from the note; every instant (stored as <c>yyyy-MM-dd HH:mm:ss.fffffff+00:00</c>) moved by whole days
    /// by SQLite's date arithmetic on its date part; instants inside JSON (history details, clock segments) moved by
    /// <see cref="MoveInstants"/>. Then the notes are cleared.
    /// </summary>
    public static IReadOnlyList<string> Repeat => RepeatStatements.Value;

    private static readonly Lazy<IReadOnlyList<string>> RepeatStatements = new(() =>
    [
        Copy(BulkTicketWriter.Ticket.Sql, typeof(Domain.Tickets.Ticket), "Tickets", "t.Id", new Dictionary<string, string>
            { ["Id"] = "r.Id", ["Number"] = "r.Number", ["ChangeSequence"] = "r.ChangeSequence" }),
        Copy(BulkTicketWriter.History.Sql, typeof(Domain.Tickets.HistoryEntry), "TicketHistory", "t.TicketId", new Dictionary<string, string>
            { ["TicketId"] = "r.Id", ["Details"] = MovedJson("t.Details") }),
        Copy(BulkTicketWriter.Comment.Sql, typeof(SeededComment), "TicketComments", "t.TicketId", new Dictionary<string, string> { ["TicketId"] = "r.Id" }),
        Copy(BulkTicketWriter.Clock.Sql, typeof(SlaStore.ClockRow), "SlaClocks", "t.TicketId", new Dictionary<string, string>
            { ["TicketId"] = "r.Id", ["Segments"] = MovedJson("t.Segments") }),
        """
        INSERT INTO TicketSearch (rowid, Fields, PublicNotes, InternalNotes)
        SELECT r.Id, r.Fields, t.PublicNotes, t.InternalNotes FROM temp.Repeats r JOIN TicketSearch t ON t.rowid = r.LifeId ORDER BY r.Id
        """,
        "DELETE FROM temp.Repeats",
    ]);

    /// <summary>The seed's SQL function moving the instants in a text (<see cref="MoveInstants"/>).</summary>
    public const string MovedInstants = "moved_instants";

    /// <summary>Every ISO 8601 date followed by a time in <paramref name="text"/>, <paramref name="days"/> later.</summary>
    public static string? MoveInstants(string? text, long days) => text is null ? null : IsoDate().Replace(text, m =>
        DateOnly.ParseExact(m.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays((int)days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>A JSON column's instants moved: only where it holds one (instants are stored in UTC, so they end in +00:00).</summary>
    private static string MovedJson(string column) =>
        $"CASE WHEN instr({column}, '+00:00\"') > 0 THEN {MovedInstants}({column}, r.Days) ELSE {column} END";

    /// <summary>
    /// An <c>INSERT … SELECT</c> with the columns of the store's own <paramref name="insert"/>: each copied from the lived row
    /// (alias <c>t</c>, found by <paramref name="key"/>), moved when <paramref name="row"/> says it is an instant, or as given.
    /// </summary>
    private static string Copy(string insert, Type row, string table, string key, IReadOnlyDictionary<string, string> given)
    {
        var columns = Columns().Match(insert).Groups[1].Value.Split(',').Select(c => c.Trim()).ToArray();
        var values = columns.Select(c => given.TryGetValue(c, out var value) ? value
            : row.GetProperty(c)?.PropertyType is { } type && (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
                ? $"date(substr(t.{c}, 1, 10), '+' || r.Days || ' days') || substr(t.{c}, 11)"
                : $"t.{c}");
        return $"""
            INSERT INTO {table} ({string.Join(", ", columns)})
            SELECT {string.Join(", ", values)}
            FROM temp.Repeats r JOIN {table} t ON {key} = r.LifeId ORDER BY r.Id{(table == "Tickets" ? "" : ", t.Id")}
            """;
    }

    [GeneratedRegex(@"INSERT INTO \w+ \(([^)]*)\)")]
    private static partial Regex Columns();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}(?=[T ]\d{2}:\d{2})")]
    private static partial Regex IsoDate();

    /// <summary>The non-unique indexes of the tables (@tables is a literal list the writer makes from its own names).</summary>
    public static string Indexes(IEnumerable<string> tables) => $"""
        SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
            AND tbl_name IN ({string.Join(", ", tables.Select(t => $"'{t}'"))}) AND sql NOT LIKE '% (TicketId%'
        """;

    /// <summary>New tickets of a unit and year are numbered after the seeded ones.</summary>
    public const string NumberAfter = """
        INSERT INTO TicketNumbers (UnitId, Year, LastNumber) VALUES (@unit, @year, @last)
        ON CONFLICT (UnitId, Year) DO UPDATE SET LastNumber = MAX(LastNumber, excluded.LastNumber)
        """;

    /// <summary>The seed writes every ticket's search row: the index stays whole through the seeded tickets if it was before them.</summary>
    public const string IndexedThrough = "UPDATE Sequences SET Value = @last WHERE Name = 'search-indexed' AND Value >= @first - 1";

    public const string ChangeAfter = "UPDATE Sequences SET Value = MAX(Value, @last) WHERE Name = 'ticket-change'";

    /// <summary>
    /// A seed is repeated rather than recovered: no fsync, a cache big enough for the tables' tails, no foreign-key lookups and
    /// no CHECK evaluation (the rows are made by the domain, or copied from such rows, and refer to the demo organisation and
    /// to each other by construction; the seed's test reads them back through the API), and SQLite's sorter on both cores for
    /// the indexes built at the end (<see cref="SortOnBothCores"/>). Per connection: the writer's own, outside the pool.
    /// </summary>
    public const string Unguarded = """
        PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;
        PRAGMA ignore_check_constraints = ON; PRAGMA threads = 2;
        """;

    /// <summary>
    /// The full-text index keeps the terms of a transaction in memory and writes them out as a new segment each time they pass
    /// its buffer (1 MB by default), merging segments as they pile up: for the seed's big transactions a 256 MB buffer writes
    /// a few large segments instead of thousands of small ones to merge (a third of the index's cost). Stored in the index's
    /// configuration, so the seed sets it back to the default when it is done (<see cref="SearchBufferAsMade"/>).
    /// </summary>
    public const string SearchBufferForTheSeed = "INSERT INTO TicketSearch (TicketSearch, rank) VALUES ('hashsize', 268435456);";

    public const string SearchBufferAsMade = "INSERT INTO TicketSearch (TicketSearch, rank) VALUES ('hashsize', 1048576);";

    public const string Checkpoint = "PRAGMA wal_checkpoint(TRUNCATE);";

    /// <summary>
    /// Before the indexes are built: SQLite's sorter uses its helper threads (<c>PRAGMA threads</c>) only when its temporary
    /// store is on disk, not in memory. Its runs then go to temporary files, which the operating system's cache mostly holds;
    /// the index build takes 30–40 % less time (bench/README.md §11).
    /// </summary>
    public const string SortOnBothCores = "PRAGMA temp_store = FILE;";
}
