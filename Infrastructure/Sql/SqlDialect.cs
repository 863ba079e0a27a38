namespace Itsm.Infrastructure.Sql;

/// <summary>The SQL that differs between providers; everything else is written once in the stores.</summary>
public sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new()
    {
        Name = "Sqlite",
        NextTicketNumber = """
            INSERT INTO TicketNumbers (UnitId, Year, LastNumber) VALUES (@UnitId, @Year, 1)
            ON CONFLICT (UnitId, Year) DO UPDATE SET LastNumber = LastNumber + 1
            RETURNING LastNumber;
            """,
        InsertReturningId = (table, columns, values) => $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING Id;",
        Limit = (sql, limit) => $"{sql} LIMIT {limit}",
    };

    public required string Name { get; init; }

    /// <summary>Takes the next number for (@UnitId, @Year) atomically inside the caller's transaction.</summary>
    public required string NextTicketNumber { get; init; }

    public required Func<string, string, string, string> InsertReturningId { get; init; }

    /// <summary>Applies a row limit (a trusted integer, never user text) to an ordered query.</summary>
    public required Func<string, int, string> Limit { get; init; }
}
