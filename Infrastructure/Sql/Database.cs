using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Itsm.Infrastructure.Sql;

/// <summary>
/// Opens connections to the store. One connection per unit of work (pooling makes this cheap); the dialect
/// keeps what differs between providers in one place.
/// </summary>
public sealed class Database
{
    private readonly string _connectionString;

    public Database(DatabaseOptions options)
    {
        Options = options;
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 30,
        };
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
        Dialect = SqlDialect.Sqlite;
        DapperSetup.EnsureConfigured();
    }

    public DatabaseOptions Options { get; }

    public SqlDialect Dialect { get; }

    public string DataSource { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // WAL is a property of the file (set by the migrator); FULL makes every commit durable, not only crash-safe.
        command.CommandText = "PRAGMA synchronous = FULL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Opens a connection and a write transaction (SQLite: BEGIN IMMEDIATE, so writers queue instead of deadlocking).</summary>
    public async Task<(DbConnection Connection, DbTransaction Transaction)> BeginAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return (connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
