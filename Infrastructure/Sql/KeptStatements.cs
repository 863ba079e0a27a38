using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Itsm.Infrastructure.Sql;

/// <summary>
/// Statements kept prepared on the single writer's connection (SQLite). Microsoft.Data.Sqlite prepares every command anew
/// and Dapper names its parameters without the <c>@</c>, so each value is looked up under four names: for the writer's hot
/// statements both cost more than running them. Here each statement text is prepared once per connection and each
/// execution only binds the values, read from the arguments' properties by compiled getters: statements that change rows
/// run on the connection's own handle, bound by position (<see cref="RawStatement"/>); queries, whose rows Dapper reads,
/// through a kept provider command. SQLite prepares a kept statement again by itself when the schema changes (a migration).
/// </summary>
public sealed partial class KeptStatements : IDisposable
{
    private static readonly ConditionalWeakTable<DbConnection, KeptStatements> OnConnection = new();
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, Kept> _kept = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeptRaw?> _raw = new(StringComparer.Ordinal);
    private readonly List<(string Sql, object? Args)> _atGroupEnd = [];

    private KeptStatements(SqliteConnection connection) => _connection = connection;

    /// <summary>How many statements were prepared, and how many executions found theirs prepared already.</summary>
    public long Prepared { get; private set; }

    public long Reused { get; private set; }

    /// <summary>Keeps statements on <paramref name="connection"/> from now on, until <see cref="Dispose"/>.</summary>
    internal static KeptStatements Keep(SqliteConnection connection)
    {
        var kept = new KeptStatements(connection);
        OnConnection.AddOrUpdate(connection, kept);
        return kept;
    }

    /// <summary>The statements kept on this connection; null on any other (a read, SQL Server, a write outside the writer).</summary>
    public static KeptStatements? On(DbConnection connection) => OnConnection.TryGetValue(connection, out var kept) ? kept : null;

    /// <summary>Runs a statement that returns no rows; the number of rows it changed.</summary>
    internal int Execute(string sql, object? args, DbTransaction? transaction) =>
        Raw(sql, args) is { } statement ? statement.Execute() : Command(sql, args, transaction).ExecuteNonQuery();

    internal object? Scalar(string sql, object? args, DbTransaction? transaction) =>
        Raw(sql, args) is { } statement ? statement.Scalar() : Command(sql, args, transaction).ExecuteScalar();

    internal List<T> Query<T>(string sql, object? args, DbTransaction? transaction)
    {
        using var reader = Command(sql, args, transaction).ExecuteReader();
        var rows = new List<T>();
        if (!reader.Read()) return rows;
        var parse = reader.GetRowParser<T>();
        do rows.Add(parse(reader)); while (reader.Read());
        return rows;
    }

    /// <summary>
    /// Whether statements a unit of work leaves to the end of its group (<see cref="KeptCommands.ExecuteAtGroupEndAsync"/>)
    /// wait for it; the writer turns this off to run a unit in a group of its own.
    /// </summary>
    internal bool DefersToGroupEnd { get; set; } = true;

    /// <summary>How many statements wait for the end of the group.</summary>
    internal int Deferred => _atGroupEnd.Count;

    internal void Defer(string sql, object? args) => _atGroupEnd.Add((sql, args));

    /// <summary>Forgets what was left to the group's end after the first <paramref name="count"/> (a unit that failed).</summary>
    internal void ForgetDeferredFrom(int count) => _atGroupEnd.RemoveRange(count, _atGroupEnd.Count - count);

    /// <summary>Runs the statements left to the group's end, in the order they were left.</summary>
    internal void RunDeferred(DbTransaction transaction)
    {
        try
        {
            foreach (var (sql, args) in _atGroupEnd) Execute(sql, args, transaction);
        }
        finally
        {
            _atGroupEnd.Clear();
        }
    }

    public void Dispose()
    {
        OnConnection.Remove(_connection);
        foreach (var kept in _kept.Values) kept.Command.Dispose();
        foreach (var kept in _raw.Values) kept?.Statement.Dispose();
        _kept.Clear();
        _raw.Clear();
    }

    /// <summary>The statement kept on the handle with <paramref name="args"/> bound; null for a text of several statements.</summary>
    private RawStatement? Raw(string sql, object? args)
    {
        if (!_raw.TryGetValue(sql, out var kept))
        {
            // SQLite numbers the parameters by first appearance, as Binding finds them; a text where they differ (a name
            // inside a literal) goes through the provider's command instead.
            var statement = RawStatement.Prepare(_connection, sql);
            if (statement is not null && !statement.Names.SequenceEqual(Binding.Names(sql), StringComparer.Ordinal))
            {
                statement.Dispose();
                statement = null;
            }
            _raw[sql] = kept = statement is null ? null : new KeptRaw(statement);
            if (kept is null) return null; // counted by the provider's command that runs it
            Prepared++;
        }
        else if (kept is null) return null;
        else Reused++;
        kept.Bind(args);
        return kept.Statement;
    }

    /// <summary>One statement kept on the handle and the getters of the argument type it was last given.</summary>
    private sealed class KeptRaw(RawStatement statement)
    {
        private Type? _type;
        private Func<object, object?>[] _getters = [];

        public RawStatement Statement { get; } = statement;

        public void Bind(object? args)
        {
            var type = args?.GetType();
            if (type != _type)
            {
                _getters = Binding.For(Statement.Sql, type).Getters;
                _type = type;
            }
            for (var i = 0; i < _getters.Length; i++) Statement.Bind(i + 1, Value(_getters[i](args!)));
        }
    }

    private SqliteCommand Command(string sql, object? args, DbTransaction? transaction)
    {
        if (!_kept.TryGetValue(sql, out var kept))
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = (SqliteTransaction?)transaction;
            command.Prepare();
            _kept[sql] = kept = new Kept(command);
            Prepared++;
        }
        else Reused++;
        kept.Command.Transaction = (SqliteTransaction?)transaction;
        kept.Bind(args);
        return kept.Command;
    }

    /// <summary>One prepared command and the parameters of the argument type it was last given.</summary>
    private sealed class Kept(SqliteCommand command)
    {
        private Type? _type;
        private Func<object, object?>[] _getters = [];
        private SqliteParameter[] _parameters = [];

        public SqliteCommand Command { get; } = command;

        public void Bind(object? args)
        {
            var type = args?.GetType();
            if (type != _type)
            {
                var (names, getters) = Binding.For(Command.CommandText, type);
                (_parameters, _getters) = (names.Select(n => new SqliteParameter(n, DBNull.Value)).ToArray(), getters);
                Command.Parameters.Clear();
                Command.Parameters.AddRange(_parameters);
                _type = type;
            }
            for (var i = 0; i < _parameters.Length; i++) _parameters[i].Value = Value(_getters[i](args!));
        }
    }

    /// <summary>
    /// As Dapper sends them: enums as numbers, instants in UTC (Microsoft.Data.Sqlite then writes them in its one text form,
    /// which sorts as the instants do only at one offset), everything else as it is.
    /// </summary>
    private static object Value(object? value) => value switch
    {
        null => DBNull.Value,
        Enum e => Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset instant => DapperSetup.BoundInstant(instant),
        _ => value,
    };

    /// <summary>The parameters a statement names (<c>@Name</c>) and, for each, the getter of the argument's property of that name.</summary>
    private static class Binding
    {
        private static readonly ConcurrentDictionary<(string, Type?), (string[] Names, Func<object, object?>[] Getters)> Cache = new();

        public static (string[] Names, Func<object, object?>[] Getters) For(string sql, Type? type) =>
            Cache.GetOrAdd((sql, type), key => Build(key.Item1, key.Item2));

        /// <summary>The parameters in order of first appearance, as SQLite numbers them.</summary>
        public static string[] Names(string sql) => ParameterName().Matches(sql).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToArray();

        private static (string[], Func<object, object?>[]) Build(string sql, Type? type)
        {
            var names = Names(sql);
            var getters = names.Select(name =>
            {
                var property = type?.GetProperty(name[1..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
                    ?? throw new InvalidOperationException($"The arguments ({type?.Name ?? "none"}) have no value for {name}.");
                return PropertyGetter.Compile(type!, property);
            }).ToArray();
            return (names, getters);
        }
    }

    /// <summary>A parameter as Dapper finds it in the text (not an <c>@@</c> variable).</summary>
    [GeneratedRegex(@"(?<![@\w])@\w+", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();
}

/// <summary>
/// Runs a statement kept prepared when the connection is the single writer's (<see cref="KeptStatements"/>), otherwise
/// through Dapper with the same arguments: a store writes each statement once for every connection and provider.
/// </summary>
public static class KeptCommands
{
    public static Task<int> ExecuteKeptAsync(this DbConnection connection, string sql, object? args, DbTransaction? transaction, CancellationToken ct) =>
        KeptStatements.On(connection) is { } kept
            ? Task.FromResult(kept.Execute(sql, args, transaction))
            : connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: ct));

    /// <summary>
    /// A statement whose effect nothing in the unit of work reads back (a search index row): on the single writer's
    /// connection it runs once every unit of the group has run, in the order left, still in the group's transaction;
    /// elsewhere at once, as <see cref="ExecuteKeptAsync"/>. SQLite's full-text index writes what it holds pending to a new
    /// segment at every savepoint, so written inside each unit's savepoint every ticket became a segment of its own, merged
    /// again and again; left to the group's end, a group's rows make one segment (bench/README.md §12).
    /// </summary>
    public static Task ExecuteAtGroupEndAsync(this DbConnection connection, string sql, object? args, DbTransaction? transaction, CancellationToken ct)
    {
        if (KeptStatements.On(connection) is not { DefersToGroupEnd: true } kept) return connection.ExecuteKeptAsync(sql, args, transaction, ct);
        kept.Defer(sql, args);
        return Task.CompletedTask;
    }

    public static Task<T> ScalarKeptAsync<T>(this DbConnection connection, string sql, object? args, DbTransaction? transaction, CancellationToken ct) =>
        KeptStatements.On(connection) is { } kept
            ? Task.FromResult(Convert<T>(kept.Scalar(sql, args, transaction)))
            : connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, transaction, cancellationToken: ct))!;

    public static async Task<IReadOnlyList<T>> QueryKeptAsync<T>(this DbConnection connection, string sql, object? args, DbTransaction? transaction,
        CancellationToken ct) =>
        KeptStatements.On(connection) is { } kept
            ? kept.Query<T>(sql, args, transaction)
            : (await connection.QueryAsync<T>(new CommandDefinition(sql, args, transaction, cancellationToken: ct))).AsList();

    private static T Convert<T>(object? value) =>
        value is null or DBNull ? default! : value is T t ? t : (T)System.Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T),
            System.Globalization.CultureInfo.InvariantCulture);
}
