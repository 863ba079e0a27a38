using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Itsm.Infrastructure.Sql;

/// <summary>Everything that differs between the providers, in one place; the stores write the rest once.</summary>
public sealed class SqlDialect
{
    /// <summary>SqlClient's baseline transient errors (SqlConfigurableRetryFactory.BaselineTransientErrors) plus timeouts (-2).</summary>
    private static readonly HashSet<int> SqlServerTransientErrors =
    [
        -2, 233, 997, 1204, 1205, 1222, 4060, 4221, 10053, 10054, 10060, 10928, 10929, 40143, 40197, 40501, 40540, 40613,
        42108, 42109, 49918, 49919, 49920,
    ];

    public static readonly SqlDialect Sqlite = new()
    {
        Provider = DatabaseProvider.Sqlite,
        Connect = connectionString => new SqliteConnection(connectionString),
        // WAL is a property of the file (set before migrations); FULL makes every commit durable, not only crash-safe.
        // Each unit of work runs in its own savepoint, which keeps the original of every page it changes in a statement
        // journal; past 64 KB SQLite spills that journal to a temporary file, and a group of creates wrote about 1,100
        // pages a group there (pwrite calls, 36 per ticket) only to discard them at RELEASE. In memory it stays one
        // unit's pages, emptied at each RELEASE (bench/README.md §12: the writer's work per create 15 % less).
        BeforeWrite = "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;",
        // One writer at a time in the process: waiting in a queue beats SQLite's busy-retry sleeps by orders of magnitude.
        SerializesWriters = true,
        BeforeMigrations = "PRAGMA journal_mode = WAL;",
        CreateJournal = "CREATE TABLE IF NOT EXISTS SchemaVersions (ScriptName TEXT NOT NULL PRIMARY KEY, AppliedAt TEXT NOT NULL);",
        // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default) already makes migrating instances queue behind each other.
        LockMigrations = null,
        CreateDatabase = null,
        NextTicketNumber = """
            INSERT INTO TicketNumbers (UnitId, Year, LastNumber) VALUES (@UnitId, @Year, 1)
            ON CONFLICT (UnitId, Year) DO UPDATE SET LastNumber = LastNumber + 1
            RETURNING LastNumber;
            """,
        InsertReturningId = (table, columns, values) => $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING Id;",
        NextChangeSequence = "UPDATE Sequences SET Value = Value + 1 WHERE Name = 'ticket-change' RETURNING Value;",
        Limit = (sql, rows) => $"{sql} LIMIT {rows}",
        IsTransient = e => e is SqliteException { SqliteErrorCode: 5 or 6 },
        // SQLITE_CONSTRAINT (19) as SQLITE_CONSTRAINT_UNIQUE (2067) or SQLITE_CONSTRAINT_PRIMARYKEY (1555).
        IsUniqueViolation = e => e is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 },
    };

    public static readonly SqlDialect SqlServer = new()
    {
        Provider = DatabaseProvider.SqlServer,
        Connect = connectionString => new SqlConnection(connectionString),
        BeforeWrite = null,
        SerializesWriters = false,
        BeforeMigrations = """
            IF EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND is_read_committed_snapshot_on = 0)
                ALTER DATABASE CURRENT SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;
            """,
        CreateJournal = """
            IF OBJECT_ID(N'dbo.SchemaVersions', N'U') IS NULL
                CREATE TABLE dbo.SchemaVersions (ScriptName nvarchar(200) NOT NULL PRIMARY KEY, AppliedAt datetimeoffset(7) NOT NULL);
            """,
        // Held until the script's transaction ends, so instances starting together apply each script once.
        LockMigrations = """
            DECLARE @result int;
            EXEC @result = sp_getapplock @Resource = N'Itsm.Migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 120000;
            IF @result < 0 THROW 50001, N'Timed out waiting for another instance to finish migrating.', 1;
            """,
        CreateDatabase = """
            IF DB_ID(@name) IS NULL
            BEGIN
                DECLARE @create nvarchar(400) = N'CREATE DATABASE ' + QUOTENAME(@name);
                EXEC (@create);
            END
            """,
        NextTicketNumber = """
            MERGE TicketNumbers WITH (HOLDLOCK) AS t
            USING (SELECT @UnitId AS UnitId, @Year AS Year) AS s ON t.UnitId = s.UnitId AND t.Year = s.Year
            WHEN MATCHED THEN UPDATE SET LastNumber = t.LastNumber + 1
            WHEN NOT MATCHED THEN INSERT (UnitId, Year, LastNumber) VALUES (s.UnitId, s.Year, 1)
            OUTPUT INSERTED.LastNumber;
            """,
        InsertReturningId = (table, columns, values) => $"INSERT INTO {table} ({columns}) OUTPUT INSERTED.Id VALUES ({values});",
        NextChangeSequence = "UPDATE Sequences SET Value = Value + 1 OUTPUT INSERTED.Value WHERE Name = N'ticket-change';",
        Limit = (sql, rows) => $"{sql} OFFSET 0 ROWS FETCH NEXT {rows} ROWS ONLY",
        IsTransient = e => e switch
        {
            SqlException sql => sql.Errors.Cast<SqlError>().Any(error => SqlServerTransientErrors.Contains(error.Number)),
            TimeoutException => true,
            _ => false,
        },
        // 2627: a PRIMARY KEY or UNIQUE constraint; 2601: a unique index.
        IsUniqueViolation = e => e is SqlException sql && sql.Errors.Cast<SqlError>().Any(error => error.Number is 2627 or 2601),
    };

    public static SqlDialect For(DatabaseProvider provider) => provider == DatabaseProvider.SqlServer ? SqlServer : Sqlite;

    public required DatabaseProvider Provider { get; init; }

    /// <summary>The folder of this provider's migrations: <c>Sql/&lt;Name&gt;/</c>.</summary>
    public string Name => Provider.ToString();

    public required Func<string, DbConnection> Connect { get; init; }

    /// <summary>Run once on the writer's connection, before its first write transaction.</summary>
    public required string? BeforeWrite { get; init; }

    /// <summary>Whether write transactions of this process go one at a time (SQLite has a single writer anyway).</summary>
    public required bool SerializesWriters { get; init; }

    /// <summary>Database settings applied before migrations, outside any transaction.</summary>
    public required string BeforeMigrations { get; init; }

    public required string CreateJournal { get; init; }

    /// <summary>Taken inside each migration's transaction so that instances starting together do not collide.</summary>
    public required string? LockMigrations { get; init; }

    /// <summary>Takes the next number for (@UnitId, @Year) atomically inside the caller's transaction.</summary>
    /// <summary>Creates the database @name on the server if it is missing (null: the provider creates it on open).</summary>
    public required string? CreateDatabase { get; init; }

    public required string NextTicketNumber { get; init; }

    public required Func<string, string, string, string> InsertReturningId { get; init; }

    /// <summary>Takes the next ticket change number; the row stays locked until commit, so numbers commit in order.</summary>
    public required string NextChangeSequence { get; init; }

    /// <summary>Applies a row limit to an ordered query: a parameter (<c>@limit</c>) or a trusted integer, never user text.</summary>
    public required Func<string, string, string> Limit { get; init; }

    /// <summary>A fault worth retrying the whole unit of work for.</summary>
    public required Func<Exception, bool> IsTransient { get; init; }

    /// <summary>An insert that met a row with the same key (and nothing else).</summary>
    public required Func<Exception, bool> IsUniqueViolation { get; init; }
}
