using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Itsm.Infrastructure.Sql;

/// <summary>
/// One statement prepared on a SQLite connection's own handle and bound by position. Microsoft.Data.Sqlite looks every
/// parameter up by name on every execution (SQLite then compares the name with each of the statement's in turn) and goes
/// through a data reader even for an insert; for the single writer's hot statements, with up to sixty parameters, that
/// costs a third of the statement. Values are stored as Microsoft.Data.Sqlite stores them, so the rows are the same
/// whichever way they were written; errors are raised as the provider raises them (<see cref="SqliteException"/>).
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    private RawStatement(sqlite3 db, sqlite3_stmt statement, string sql)
    {
        (_db, _statement, Sql) = (db, statement, sql);
        Names = Enumerable.Range(1, raw.sqlite3_bind_parameter_count(statement))
            .Select(i => raw.sqlite3_bind_parameter_name(statement, i).utf8_to_string()).ToArray();
    }

    public string Sql { get; }

    /// <summary>The parameters as the text names them (<c>@Name</c>), in the order SQLite numbers them (first appearance).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Prepares <paramref name="sql"/> to be run many times; null when it holds more than one statement.</summary>
    public static RawStatement? Prepare(SqliteConnection connection, string sql)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement, out var tail);
        if (rc != raw.SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, db);
        }
        if (string.IsNullOrWhiteSpace(tail)) return new RawStatement(db, statement, sql);
        statement.Dispose();
        return null;
    }

    /// <summary>Binds the value of the parameter at <paramref name="position"/> (from 1).</summary>
    public void Bind(int position, object? value)
    {
        if (value is double.NaN or float.NaN)
            throw new InvalidOperationException($"Cannot store NaN (@{Names[position - 1]}) in: {Sql}"); // SQLite would store NULL
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, position),
            string s => raw.sqlite3_bind_text(_statement, position, s),
            long l => raw.sqlite3_bind_int64(_statement, position, l),
            int i => raw.sqlite3_bind_int64(_statement, position, i),
            short s => raw.sqlite3_bind_int64(_statement, position, s),
            byte b => raw.sqlite3_bind_int64(_statement, position, b),
            bool b => raw.sqlite3_bind_int64(_statement, position, b ? 1 : 0),
            Enum e => raw.sqlite3_bind_int64(_statement, position, Convert.ToInt64(e, CultureInfo.InvariantCulture)),
            double d => raw.sqlite3_bind_double(_statement, position, d),
            float f => raw.sqlite3_bind_double(_statement, position, f),
            // As Microsoft.Data.Sqlite writes them (a Guid as Dapper binds it: text).
            DateTimeOffset instant => raw.sqlite3_bind_text(_statement, position, DapperSetup.SqliteInstant(instant)),
            DateTime t => raw.sqlite3_bind_text(_statement, position, t.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            decimal m => raw.sqlite3_bind_text(_statement, position, m.ToString("0.0###########################", CultureInfo.InvariantCulture)),
            char c => raw.sqlite3_bind_text(_statement, position, c.ToString()),
            byte[] bytes => raw.sqlite3_bind_blob(_statement, position, bytes),
            Guid g => raw.sqlite3_bind_text(_statement, position, g.ToString().ToUpperInvariant()),
            _ => throw new InvalidOperationException($"No stored form for {value.GetType().Name} (@{Names[position - 1]}) in: {Sql}"),
        };
        // Not reset first: the statement has not run, and a reset would clear the connection's account of the error.
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>Runs the statement to its end; the rows it changed (0 for one that changes none).</summary>
    public int Execute()
    {
        Run(out _);
        return raw.sqlite3_stmt_readonly(_statement) != 0 ? 0 : raw.sqlite3_changes(_db);
    }

    /// <summary>Runs the statement to its end; the first column of its first row (null when it answers no row).</summary>
    public object? Scalar()
    {
        Run(out var first);
        return first;
    }

    public void Dispose() => _statement.Dispose();

    private void Run(out object? first)
    {
        first = null;
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW) first = Column0();
        // A RETURNING statement answers its rows one by one: run it to the end, as the provider does.
        while (rc == raw.SQLITE_ROW) rc = raw.sqlite3_step(_statement);
        if (rc != raw.SQLITE_DONE) Fail(rc);
        raw.sqlite3_reset(_statement);
    }

    private object Column0() => raw.sqlite3_column_type(_statement, 0) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, 0),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, 0),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(_statement, 0).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(_statement, 0).ToArray(),
        _ => DBNull.Value,
    };

    private void Fail(int rc)
    {
        // Resetting leaves the statement ready for the next run; the error stays the connection's until then.
        raw.sqlite3_reset(_statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }
}
