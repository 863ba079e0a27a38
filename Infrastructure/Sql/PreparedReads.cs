using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Itsm.Infrastructure.Sql;

/// <summary>
/// The hottest read kept prepared. Microsoft.Data.Sqlite prepares every command anew, which for a wide SELECT costs more
/// than running it; here a few open connections each keep the statement prepared and are reused (SQLite only; other
/// providers cache plans on the server and go the ordinary way).
/// </summary>
/// <param name="view">How rows are read (e.g. <see cref="TolerantEnumReader"/>); the reader as is when null.</param>
public sealed class PreparedReads(Database database, string sql, IReadOnlyList<string> parameters, Func<DbDataReader, DbDataReader>? view = null)
{
    private const int Keep = 16;
    private readonly ConcurrentBag<(SqliteConnection Connection, SqliteCommand Command)> _idle = [];

    public async Task<T?> SingleOrDefaultAsync<T>(IReadOnlyDictionary<string, object?> values, CancellationToken ct)
    {
        if (database.Dialect.Provider != DatabaseProvider.Sqlite)
            return await database.ReadAsync(async (connection, token) =>
            {
                await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, new DynamicParameters(values), cancellationToken: token));
                return await SingleOrDefaultAsync<T>(view?.Invoke(reader) ?? reader, token);
            }, ct);

        return await database.ReadOwnConnectionAsync(async token =>
        {
            var (connection, command) = _idle.TryTake(out var kept) ? kept : await OpenAsync(token);
            try
            {
                foreach (var name in parameters) command.Parameters[name].Value = values.GetValueOrDefault(name) ?? DBNull.Value;
                T? result;
                await using (var reader = await command.ExecuteReaderAsync(token))
                    result = await SingleOrDefaultAsync<T>(view?.Invoke(reader) ?? reader, token);
                if (_idle.Count < Keep) _idle.Add((connection, command));
                else await connection.DisposeAsync();
                return result;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }, ct);
    }

    private static async Task<T?> SingleOrDefaultAsync<T>(DbDataReader reader, CancellationToken ct)
    {
        if (!await reader.ReadAsync(ct)) return default;
        var result = reader.GetRowParser<T>()(reader);
        if (await reader.ReadAsync(ct)) throw new InvalidOperationException("More than one row.");
        return result;
    }

    private async Task<(SqliteConnection, SqliteCommand)> OpenAsync(CancellationToken ct)
    {
        var connection = (SqliteConnection)await database.OpenAsync(ct);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        command.Prepare();
        return (connection, command);
    }
}
