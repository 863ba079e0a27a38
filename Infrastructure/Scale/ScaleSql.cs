using Itsm.Infrastructure.Tickets;

namespace Itsm.Infrastructure.Scale;

/// <summary>
/// The statements of the benchmark seed beyond the stores' own (which it reuses). SQLite only: the seed writes the embedded
/// database, so none of these is sent to SQL Server and the T-SQL parse test does not read them.
/// </summary>
public static class ScaleSql
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

    /// <summary>The non-unique indexes of the tables (@tables is a literal list the writer makes from its own names).</summary>
    public static string Indexes(IEnumerable<string> tables) => $"""
        SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
            AND tbl_name IN ({string.Join(", ", tables.Select(t => $"'{t}'"))})
        """;

    /// <summary>New tickets of a unit and year are numbered after the seeded ones.</summary>
    public const string NumberAfter = """
        INSERT INTO TicketNumbers (UnitId, Year, LastNumber) VALUES (@unit, @year, @last)
        ON CONFLICT (UnitId, Year) DO UPDATE SET LastNumber = MAX(LastNumber, excluded.LastNumber)
        """;

    public const string ChangeAfter = "UPDATE Sequences SET Value = MAX(Value, @last) WHERE Name = 'ticket-change'";

    /// <summary>
    /// A seed is repeated rather than recovered: no fsync, a cache big enough for the tables' tails, and no foreign-key lookups
    /// (the rows refer to the demo organisation and to each other by construction; the seed's test reads them back through
    /// the API). Per connection: the writer's own, outside the pool.
    /// </summary>
    public const string Unguarded = "PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;";

    public const string Checkpoint = "PRAGMA wal_checkpoint(TRUNCATE);";
}
