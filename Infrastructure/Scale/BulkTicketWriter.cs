using System.Linq.Expressions;
using System.Text.Json;
using Itsm.Domain.Search;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Search;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Itsm.Infrastructure.Scale;

/// <summary>A comment as the seed writes it (its history entry is among the ticket's).</summary>
public sealed record SeededComment(DateTimeOffset At, string AuthorId, CommentVisibility Visibility, string Body);

/// <summary>
/// A ticket as lived through the domain: identified, numbered, sequenced and at its final version, with its whole history,
/// its clocks and its comments.
/// </summary>
public sealed record SeededTicket(Ticket Ticket, IReadOnlyList<HistoryEntry> History, IReadOnlyList<SlaClock> Clocks, IReadOnlyList<SeededComment> Comments);

/// <summary>A seeded ticket's rows, ready to bind (see <see cref="BulkTicketWriter.Rows"/>).</summary>
public sealed record TicketRows(Ticket Ticket, object[] History, object[] Comments, object[] Clocks, object Search);

/// <summary>
/// Writes many tickets into an embedded (SQLite) database at once, for benchmarks at scale: one connection, big
/// transactions, each statement prepared once and its parameters re-bound per row. The statements are the stores' own
/// (ticket columns, history, comment, clock and search-index inserts), so seeded rows are the rows the service writes;
/// no outbox events (the seeded past is delivered history) and no notifications. It writes without fsync and without its
/// tables' non-unique indexes, which <see cref="FinishAsync"/> builds again (with their own definitions) after setting the
/// ticket number and change sequences past the seeded ones.
/// </summary>
public sealed class BulkTicketWriter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly PreparedInsert _ticket;
    private readonly PreparedInsert _history;
    private readonly PreparedInsert _comment;
    private readonly PreparedInsert _clock;
    private readonly PreparedInsert _search;
    private readonly Dictionary<(string Unit, int Year), long> _numbers = [];
    private long _lastChange;

    private readonly IReadOnlyList<string> _indexes;

    private BulkTicketWriter(SqliteConnection connection, SqlDialect dialect, IReadOnlyList<string> indexes)
    {
        _connection = connection;
        _indexes = indexes;
        var tickets = new TicketSql(dialect);
        _ticket = new PreparedInsert(connection, ScaleSql.InsertTicket());
        _history = new PreparedInsert(connection, tickets.InsertHistory);
        _comment = new PreparedInsert(connection, tickets.InsertComment);
        _clock = new PreparedInsert(connection, new SlaSql(dialect).InsertClock);
        _search = new PreparedInsert(connection, new SearchSql(dialect).InsertWhole
                                                 ?? throw new InvalidOperationException("The bulk writer writes the embedded database's search index."));
    }

    public static async Task<BulkTicketWriter> OpenAsync(Database database, CancellationToken ct)
    {
        if (database.Dialect.Provider != DatabaseProvider.Sqlite)
            throw new NotSupportedException("The bulk ticket writer writes the embedded (SQLite) database only.");
        // Its own connection, outside the pool: what it switches off must not reach anyone else's unit of work.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.SqliteFile, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = ScaleSql.Unguarded;
            await pragma.ExecuteNonQueryAsync(ct);
        }
        // Indexes are built once at the end (sorting is much cheaper than as many insertions): their own definitions are
        // read from the schema, dropped and run again by FinishAsync. Unique ones stay, so that they keep checking.
        var indexes = new List<string>();
        await using (var schema = connection.CreateCommand())
        {
            schema.CommandText = ScaleSql.Indexes(Written);
            await using var reader = await schema.ExecuteReaderAsync(ct);
            var drops = new List<string>();
            while (await reader.ReadAsync(ct))
            {
                drops.Add($"DROP INDEX {reader.GetString(0)};");
                indexes.Add(reader.GetString(1) + ";");
            }
            await reader.DisposeAsync();
            schema.CommandText = string.Join("\n", drops);
            if (drops.Count > 0) await schema.ExecuteNonQueryAsync(ct);
        }
        return new BulkTicketWriter(connection, database.Dialect, indexes);
    }

    /// <summary>The tables the writer fills.</summary>
    private static readonly string[] Written = ["Tickets", "TicketHistory", "TicketComments", "SlaClocks"];

    /// <summary>
    /// The rows of a ticket, as the stores write them (history details and clock segments as JSON, the search terms): made
    /// apart from <see cref="Write"/> so that a caller can make them on another thread.
    /// </summary>
    public static TicketRows Rows(SeededTicket seeded)
    {
        var (ticket, history, clocks, comments) = seeded;
        var rows = new TicketRows(ticket, new object[history.Count], new object[comments.Count], new object[clocks.Count], null!);
        for (var i = 0; i < history.Count; i++)
        {
            var entry = history[i];
            // As TicketStore writes a history entry.
            rows.History[i] = new
            {
                TicketId = ticket.Id, entry.At, entry.ActorId, entry.Action, FromStatus = entry.From?.ToString(),
                ToStatus = entry.To?.ToString(), Details = JsonSerializer.Serialize(entry.Details), Internal = entry.Internal,
            };
        }
        for (var i = 0; i < comments.Count; i++)
        {
            var comment = comments[i];
            rows.Comments[i] = new { TicketId = ticket.Id, comment.At, comment.AuthorId, Visibility = comment.Visibility.ToString(), comment.Body };
        }
        for (var i = 0; i < clocks.Count; i++) rows.Clocks[i] = SlaStore.ClockRow.Parameters(clocks[i], ticket.Id);
        // As the search index writes a ticket's whole row (SearchIndex.IndexUnindexedAsync).
        return rows with
        {
            Search = new
            {
                TicketId = ticket.Id, Fields = SearchIndex.FieldTerms(ticket.Number, ticket.Title, ticket.Description, ticket.Resolution),
                PublicNotes = SearchTerms.Joined(string.Join('\n', comments.Where(c => c.Visibility == CommentVisibility.Public).Select(c => c.Body))),
                InternalNotes = SearchTerms.Joined(string.Join('\n', comments.Where(c => c.Visibility == CommentVisibility.Internal).Select(c => c.Body))),
            },
        };
    }

    /// <summary>Writes the tickets' rows in one transaction.</summary>
    public void Write(IReadOnlyList<TicketRows> batch)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var rows in batch)
        {
            var ticket = rows.Ticket;
            _ticket.Run(ticket);
            foreach (var row in rows.History) _history.Run(row);
            foreach (var row in rows.Comments) _comment.Run(row);
            foreach (var row in rows.Clocks) _clock.Run(row);
            _search.Run(rows.Search);
            var key = (ticket.UnitId, NumberYear(ticket.Number));
            _numbers[key] = Math.Max(_numbers.GetValueOrDefault(key), long.Parse(ticket.Number[(ticket.Number.LastIndexOf('-') + 1)..]));
            _lastChange = Math.Max(_lastChange, ticket.ChangeSequence);
        }
        transaction.Commit();
    }

    /// <summary>New tickets are numbered and sequenced after the seeded ones; the write-ahead log is back, the file checkpointed.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = ScaleSql.NumberAfter;
        var (unit, year, last) = (command.Parameters.Add("@unit", SqliteType.Text), command.Parameters.Add("@year", SqliteType.Integer),
            command.Parameters.Add("@last", SqliteType.Integer));
        foreach (var ((u, y), n) in _numbers)
        {
            (unit.Value, year.Value, last.Value) = (u, y, n);
            await command.ExecuteNonQueryAsync(ct);
        }
        command.Parameters.Clear();
        command.CommandText = ScaleSql.ChangeAfter;
        command.Parameters.AddWithValue("@last", _lastChange);
        await command.ExecuteNonQueryAsync(ct);
        command.Parameters.Clear();
        foreach (var index in _indexes)
        {
            command.CommandText = index;
            await command.ExecuteNonQueryAsync(ct);
        }
        command.CommandText = ScaleSql.Checkpoint;
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in new[] { _ticket, _history, _comment, _clock, _search }) p.Dispose();
        await _connection.DisposeAsync();
    }

    private static int NumberYear(string number)
    {
        var end = number.LastIndexOf('-');
        return int.Parse(number[(number.LastIndexOf('-', end - 1) + 1)..end]);
    }

    /// <summary>
    /// One statement, prepared once on the connection's own handle: each run binds the values of a row object's properties
    /// named as its parameters, by position, and steps it (without the per-execution work of a command: no reader, no
    /// parameter lookups by name).
    /// </summary>
    private sealed class PreparedInsert : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;
        private readonly string _sql;
        private readonly string[] _names;
        private readonly Dictionary<Type, Func<object, object?>[]> _bindings = [];

        public PreparedInsert(SqliteConnection connection, string sql)
        {
            _db = connection.Handle!;
            _sql = sql.Trim();
            Check(raw.sqlite3_prepare_v2(_db, _sql, out _statement, out var tail));
            if (!string.IsNullOrWhiteSpace(tail)) throw new InvalidOperationException($"One statement expected: {sql}");
            // SQLite numbers a statement's parameters from 1 in order of first appearance.
            _names = Enumerable.Range(1, raw.sqlite3_bind_parameter_count(_statement))
                .Select(i => raw.sqlite3_bind_parameter_name(_statement, i).utf8_to_string()[1..]).ToArray();
        }

        public void Run(object row)
        {
            if (!_bindings.TryGetValue(row.GetType(), out var binding)) _bindings[row.GetType()] = binding = Bind(row.GetType());
            for (var i = 0; i < binding.Length; i++) Check(BindValue(i + 1, binding[i](row)));
            var result = raw.sqlite3_step(_statement);
            // RETURNING statements answer a row first: the id is not needed.
            while (result == raw.SQLITE_ROW) result = raw.sqlite3_step(_statement);
            raw.sqlite3_reset(_statement);
            if (result != raw.SQLITE_DONE) Check(result);
        }

        public void Dispose() => _statement.Dispose();

        /// <summary>As the stores' parameters are stored: enums by name, instants as fixed-width UTC text, booleans as 0/1.</summary>
        private int BindValue(int index, object? value) => value switch
        {
            null => raw.sqlite3_bind_null(_statement, index),
            string s => raw.sqlite3_bind_text(_statement, index, s),
            long l => raw.sqlite3_bind_int64(_statement, index, l),
            int n => raw.sqlite3_bind_int64(_statement, index, n),
            byte b => raw.sqlite3_bind_int64(_statement, index, b),
            bool b => raw.sqlite3_bind_int64(_statement, index, b ? 1 : 0),
            double d => raw.sqlite3_bind_double(_statement, index, d),
            DateTimeOffset d => raw.sqlite3_bind_text(_statement, index, DapperSetup.SqliteInstant(d)),
            Enum e => raw.sqlite3_bind_text(_statement, index, e.ToString()),
            _ => throw new InvalidOperationException($"No binding for {value.GetType().Name} in: {_sql}"),
        };

        private void Check(int result)
        {
            if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
                throw new InvalidOperationException($"SQLite error {result} ({raw.sqlite3_errmsg(_db).utf8_to_string()}) in: {_sql}");
        }

        private Func<object, object?>[] Bind(Type type)
        {
            var missing = _names.Where(n => type.GetProperty(n) is null).ToList();
            if (missing.Count > 0) throw new InvalidOperationException($"{type.Name} has no {string.Join(", ", missing)} for: {_sql}");
            return _names.Select(name =>
            {
                var row = Expression.Parameter(typeof(object));
                var property = Expression.Property(Expression.Convert(row, type), type.GetProperty(name)!);
                return Expression.Lambda<Func<object, object?>>(Expression.Convert(property, typeof(object)), row).Compile();
            }).ToArray();
        }
    }
}
