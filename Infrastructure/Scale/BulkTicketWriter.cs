using Itsm.Infrastructure.Search;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Microsoft.Data.Sqlite;

namespace Itsm.Infrastructure.Scale;

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
    private readonly PreparedInsert _repeat;

    private readonly IReadOnlyList<string> _indexes;

    /// <summary>The statements, the stores' own: a ticket with every column (the id included), a history entry, a comment, a clock
    /// with its ticket's unit path and priority, the ticket's whole search-index row.</summary>
    public static readonly RowShape Ticket = new(ScaleSql.InsertTicket());
    public static readonly RowShape History = new(new TicketSql(SqlDialect.Sqlite).InsertHistory);
    public static readonly RowShape Comment = new(new TicketSql(SqlDialect.Sqlite).InsertComment);
    public static readonly RowShape Clock = new(ScaleSql.InsertClock);
    public static readonly RowShape Search = new(new SearchSql(SqlDialect.Sqlite).InsertWhole
                                                 ?? throw new InvalidOperationException("The bulk writer writes the embedded database's search index."));

    private BulkTicketWriter(SqliteConnection connection, IReadOnlyList<string> indexes)
    {
        _connection = connection;
        _indexes = indexes;
        if (!Search.Names.SequenceEqual(["TicketId", "Fields", "PublicNotes", "InternalNotes"]))
            throw new InvalidOperationException($"The search row is made in another order than: {Search.Sql}");
        _ticket = new PreparedInsert(connection, Ticket);
        _history = new PreparedInsert(connection, History);
        _comment = new PreparedInsert(connection, Comment);
        _clock = new PreparedInsert(connection, Clock);
        _search = new PreparedInsert(connection, Search);
        _repeat = new PreparedInsert(connection, new RowShape(ScaleSql.NoteRepeat));
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
            pragma.CommandText = ScaleSql.Unguarded + ScaleSql.SearchBufferForTheSeed + ScaleSql.Repeats;
            await pragma.ExecuteNonQueryAsync(ct);
        }
        connection.CreateFunction<string?, long, string?>(ScaleSql.MovedInstants, ScaleSql.MoveInstants, isDeterministic: true);
        // Indexes are built once at the end (sorting is much cheaper than as many insertions): their own definitions are
        // read from the schema, dropped and run again by FinishAsync. Unique ones stay, so that they keep checking, and those
        // that find a ticket's rows, which repeating a life reads.
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
        return new BulkTicketWriter(connection, indexes);
    }

    /// <summary>The tables the writer fills.</summary>
    private static readonly string[] Written = ["Tickets", "TicketHistory", "TicketComments", "SlaClocks"];

    /// <summary>
    /// Writes a lived ticket's rows, after the repeats noted before it: tickets are written in id order, which the full-text
    /// index needs to keep its terms in memory (a smaller id than the last one written makes it write them out at once).
    /// </summary>
    public void Write(TicketRows rows)
    {
        _transaction ??= _connection.BeginTransaction();
        CopyRepeats();
        _ticket.Run(rows.Ticket);
        foreach (var row in rows.History) _history.Run(row);
        foreach (var row in rows.Comments) _comment.Run(row);
        foreach (var row in rows.Clocks) _clock.Run(row);
        _search.Run(rows.Search);
        Counted();
    }

    /// <summary>
    /// Writes a lived ticket's life again, some whole weeks later, as another ticket: noted here, copied inside the database
    /// with the others noted (<see cref="ScaleSql.Repeat"/>), with every instant moved and the given number, change sequence
    /// and search terms of its fields.
    /// </summary>
    internal void Repeat(RepeatedLife again)
    {
        _transaction ??= _connection.BeginTransaction();
        _repeat.Run([again.Id, again.Life.Id, (long)again.Days, again.Number, again.ChangeSequence, again.Fields]);
        if (++_repeats >= RepeatsPerCopy) CopyRepeats();
        Counted();
    }

    /// <summary>How many repeats are copied at once (the table of repeats is in memory).</summary>
    private const int RepeatsPerCopy = 20_000;

    private int _repeats;

    /// <summary>Time spent copying repeated lives inside the database (<see cref="ScaleSql.Repeat"/>).</summary>
    public TimeSpan Copying { get; private set; }

    /// <summary>Time spent building the tables' non-unique indexes at the end.</summary>
    public TimeSpan Indexing { get; private set; }

    private void CopyRepeats()
    {
        if (_repeats == 0) return;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var copy = _connection.CreateCommand();
        copy.Transaction = _transaction;
        foreach (var statement in ScaleSql.Repeat)
        {
            copy.CommandText = statement;
            copy.ExecuteNonQuery();
        }
        _repeats = 0;
        Copying += System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    private void Counted()
    {
        if (++_inTransaction < TicketsPerTransaction) return;
        CopyRepeats();
        Commit();
    }

    /// <summary>
    /// Big transactions: the full-text index writes the terms of each as one segment, so fewer, bigger ones leave it less to merge.
    /// </summary>
    private const int TicketsPerTransaction = 100_000;

    private SqliteTransaction? _transaction;
    private int _inTransaction;

    private void Commit()
    {
        _transaction?.Commit();
        _transaction?.Dispose();
        (_transaction, _inTransaction) = (null, 0);
    }

    /// <summary>
    /// New tickets are numbered after the last <paramref name="numbers"/> (per unit and year) and sequenced after
    /// <paramref name="lastChange"/>; the seeded tickets (<paramref name="firstId"/> to <paramref name="lastId"/>) count as
    /// indexed for search; the indexes are built, the file checkpointed.
    /// </summary>
    public async Task FinishAsync(IReadOnlyDictionary<(string Unit, int Year), long> numbers, long lastChange, long firstId, long lastId,
        CancellationToken ct)
    {
        _transaction ??= _connection.BeginTransaction();
        CopyRepeats();
        Commit();
        await using var command = _connection.CreateCommand();
        command.CommandText = ScaleSql.NumberAfter;
        var (unit, year, last) = (command.Parameters.Add("@unit", SqliteType.Text), command.Parameters.Add("@year", SqliteType.Integer),
            command.Parameters.Add("@last", SqliteType.Integer));
        foreach (var ((u, y), n) in numbers)
        {
            (unit.Value, year.Value, last.Value) = (u, y, n);
            await command.ExecuteNonQueryAsync(ct);
        }
        command.Parameters.Clear();
        command.CommandText = ScaleSql.ChangeAfter;
        command.Parameters.AddWithValue("@last", lastChange);
        await command.ExecuteNonQueryAsync(ct);
        command.Parameters.Clear();
        command.CommandText = ScaleSql.IndexedThrough;
        command.Parameters.AddWithValue("@first", firstId);
        command.Parameters.AddWithValue("@last", lastId);
        await command.ExecuteNonQueryAsync(ct);
        command.Parameters.Clear();
        var indexing = System.Diagnostics.Stopwatch.GetTimestamp();
        command.CommandText = ScaleSql.SortOnBothCores;
        await command.ExecuteNonQueryAsync(ct);
        foreach (var index in _indexes)
        {
            command.CommandText = index;
            await command.ExecuteNonQueryAsync(ct);
        }
        Indexing = System.Diagnostics.Stopwatch.GetElapsedTime(indexing);
        command.CommandText = ScaleSql.SearchBufferAsMade + ScaleSql.Checkpoint;
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in new[] { _ticket, _history, _comment, _clock, _search, _repeat }) p.Dispose();
        await _connection.DisposeAsync();
    }

    /// <summary>One statement prepared once on the connection's own handle: each run binds a row's stored values by position.</summary>
    private sealed class PreparedInsert : IDisposable
    {
        private readonly RawStatement _statement;

        public PreparedInsert(SqliteConnection connection, RowShape shape)
        {
            _statement = RawStatement.Prepare(connection, shape.Sql) ?? throw new InvalidOperationException($"One statement expected: {shape.Sql}");
            if (!_statement.Names.SequenceEqual(shape.Names.Select(n => "@" + n)))
                throw new InvalidOperationException($"The parameters are not numbered as expected in: {shape.Sql}");
        }

        public void Run(object?[] values)
        {
            for (var i = 0; i < values.Length; i++) _statement.Bind(i + 1, values[i]);
            _statement.Execute();
        }

        public void Dispose() => _statement.Dispose();
    }
}
