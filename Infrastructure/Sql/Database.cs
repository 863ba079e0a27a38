using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Dapper;
using Itsm.Infrastructure.Telemetry;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Polly;
using Polly.Retry;

namespace Itsm.Infrastructure.Sql;

/// <summary>The database does not answer (after retries); the API answers 503 and readiness reports it.</summary>
public sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>The commit's fate is unknown (the connection broke during it): never retried, since it may have succeeded.</summary>
public sealed class CommitOutcomeUnknownException(Exception inner)
    : Exception("The database connection failed while committing; the change may or may not have been saved.", inner);

/// <summary>
/// Connections and units of work. Each unit of work opens its own connection (pooling makes this cheap) and runs
/// inside a retry pipeline that repeats the whole unit on a transient fault, never a single statement and never a
/// commit whose outcome is unknown.
/// </summary>
public sealed class Database : IDisposable, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly ResiliencePipeline _retry;
    private readonly Channel<PendingWrite>? _writes;
    private readonly ItsmMetrics? _metrics;
    private readonly Task? _writerLoop;

    public Database(DatabaseOptions options, ItsmMetrics? metrics = null)
    {
        Options = options;
        _metrics = metrics;
        Dialect = SqlDialect.For(options.Provider);
        _connectionString = options.Provider == DatabaseProvider.Sqlite
            ? new SqliteConnectionStringBuilder(options.ConnectionString) { ForeignKeys = true, Pooling = true, DefaultTimeout = 30 }.ToString()
            : options.ConnectionString;
        var pipeline = new ResiliencePipelineBuilder();
        if (options.MaxRetries > 0)
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsRetryable),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        _retry = pipeline.Build();
        DapperSetup.EnsureConfigured();
        if (Dialect.SerializesWriters)
        {
            _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
            _writerLoop = WriterThread.Start(CommitGroups);
        }
    }

    public DatabaseOptions Options { get; }

    /// <summary>Where the single writer's time goes (SQLite): for the write benchmark and for operators.</summary>
    public WriterStatistics Writer { get; } = new();

    public SqlDialect Dialect { get; }

    /// <summary>The SQLite file, for the embedded database (null for a server).</summary>
    public string? SqliteFile => Options.Provider == DatabaseProvider.Sqlite ? new SqliteConnectionStringBuilder(_connectionString).DataSource : null;

    /// <summary>A read-only unit of work: safe to repeat.</summary>
    public Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken ct) =>
        RunAsync(DatabaseActivities.Read, async token =>
        {
            await using var connection = await OpenAsync(token);
            return await work(connection, token);
        }, ct);

    /// <summary>A read-only unit of work that brings its own connection (see <see cref="PreparedReads"/>).</summary>
    internal Task<T> ReadOwnConnectionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct) =>
        RunAsync(DatabaseActivities.Read, work, ct);

    /// <summary>
    /// A unit of work in one transaction, committed at the end; repeated whole on a transient fault before the commit.
    /// On SQLite the single writer commits the units of work waiting together in one transaction (group commit: one
    /// fsync for many), each inside its own savepoint so that one failing unit does not affect the others.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct) =>
        RunAsync(DatabaseActivities.Write, async token =>
        {
            if (_writes is null) return await WriteAloneAsync(work, token);
            var pending = new PendingWrite(async (c, t, x) => await work(c, t, x), token);
            await _writes.Writer.WriteAsync(pending, token);
            return (T)(await pending.Done.Task)!;
        }, ct);

    /// <summary>
    /// Runs <paramref name="sql"/>, a statement that deletes at most <paramref name="batch"/> rows, each time in a unit of
    /// work of its own, until one deletes fewer or <paramref name="goOn"/>, asked between them, says no; how many rows went.
    /// A backlog so goes in short units of work that never hold the writer, or on SQLite its memory, for long.
    /// </summary>
    public async Task<int> DeleteInBatchesAsync(string sql, object args, int batch, CancellationToken ct, Func<CancellationToken, Task<bool>>? goOn = null)
    {
        var total = 0;
        while (true)
        {
            var deleted = await WriteAsync((connection, transaction, token) =>
                connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: token)), ct);
            total += deleted;
            if (deleted < batch || (goOn is not null && !await goOn(ct))) return total;
        }
    }

    private async Task<T> WriteAloneAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken token)
    {
        await using var connection = await OpenAsync(token);
        await using var transaction = await connection.BeginTransactionAsync(token);
        var result = await work(connection, transaction, token);
        await CommitAsync(transaction);
        return result;
    }

    /// <summary>
    /// The single writer, on its own thread (<see cref="WriterThread"/>): waits for work, takes what is waiting (up to
    /// <see cref="MaxGroup"/>), runs each in a savepoint, commits once. A unit of work that awaits something real holds the
    /// writer until it is done, as it would on any thread.
    /// </summary>
    private void CommitGroups()
    {
        var group = new List<PendingWrite>(MaxGroup);
        var reader = _writes!.Reader;
        try
        {
            while (reader.WaitToReadAsync() is var wait && (wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult()))
            {
                group.Clear();
                while (group.Count < MaxGroup && reader.TryRead(out var pending))
                {
                    if (pending.Cancellation.IsCancellationRequested) pending.Done.TrySetCanceled(pending.Cancellation);
                    else group.Add(pending);
                }
                if (group.Count > 0) CommitGroupAsync(group).GetAwaiter().GetResult();
            }
        }
        finally
        {
            CloseWriter();
        }
    }

    private const int MaxGroup = 64;

    /// <summary>
    /// The writer's own connection, open for as long as groups succeed, with its statements kept prepared on it
    /// (<see cref="KeptStatements"/>); closed after a group fails as a whole, so the next one starts on a fresh connection.
    /// </summary>
    private (SqliteConnection Connection, KeptStatements Kept)? _writer;

    private async Task<(SqliteConnection, KeptStatements)> WriterAsync()
    {
        if (_writer is { } open) return open;
        // Outside the pool: its settings (BeforeWrite) must not pass to a reader that would get the handle next.
        var connection = (SqliteConnection)await OpenAsync(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString(), CancellationToken.None);
        try
        {
            if (Dialect.BeforeWrite is { } beforeWrite)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = beforeWrite;
                await command.ExecuteNonQueryAsync();
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        _writer = (connection, KeptStatements.Keep(connection));
        return _writer.Value;
    }

    private void CloseWriter()
    {
        if (_writer is not { } open) return;
        _writer = null;
        open.Kept.Dispose();
        open.Connection.Dispose();
    }

    // Savepoints by kept statements: SqliteTransaction.Save/Release/Rollback prepare theirs anew each time.
    private const string Savepoint = "SAVEPOINT unit;", Release = "RELEASE unit;", RollbackTo = "ROLLBACK TO unit;";

    private async Task CommitGroupAsync(List<PendingWrite> group)
    {
        var outcomes = new (object? Result, Exception? Error)[group.Count];
        var started = Stopwatch.GetTimestamp();
        var (worked, committing) = await RunGroupAsync(group, outcomes, deferring: true);
        Writer.Add(group.Count, started, worked, committing, Stopwatch.GetTimestamp());
        for (var i = 0; i < group.Count; i++)
        {
            if (outcomes[i].Error is { } error) group[i].Done.TrySetException(error);
            else group[i].Done.TrySetResult(outcomes[i].Result);
        }
    }

    /// <summary>
    /// Runs the units of one group in one transaction, each in its own savepoint, then the statements they left to the
    /// group's end, and commits; the instants the work and the commit began, for <see cref="Writer"/>.
    /// </summary>
    private async Task<(long Worked, long Committing)> RunGroupAsync(List<PendingWrite> group, (object? Result, Exception? Error)[] outcomes, bool deferring)
    {
        long worked = 0, committing = 0;
        var atGroupEnd = false;
        try
        {
            var (connection, kept) = await WriterAsync();
            kept.DefersToGroupEnd = deferring;
            await using var transaction = await connection.BeginTransactionAsync();
            worked = Stopwatch.GetTimestamp();
            for (var i = 0; i < group.Count; i++)
            {
                var deferred = kept.Deferred;
                kept.Execute(Savepoint, null, transaction);
                try
                {
                    outcomes[i] = (await group[i].Work(connection, transaction, group[i].Cancellation), null);
                    kept.Execute(Release, null, transaction);
                }
                catch (Exception e)
                {
                    outcomes[i] = (null, e);
                    kept.ForgetDeferredFrom(deferred);
                    kept.Execute(RollbackTo, null, transaction);
                    kept.Execute(Release, null, transaction);
                }
            }
            atGroupEnd = true;
            kept.RunDeferred(transaction);
            atGroupEnd = false;
            committing = Stopwatch.GetTimestamp();
            await CommitAsync(transaction);
        }
        catch (Exception e)
        {
            CloseWriter();
            if (atGroupEnd && deferring)
            {
                // A statement left to the group's end failed and the group is rolled back: every unit that had succeeded runs
                // again in a group of its own, with its statements inside it, so that only the one at fault fails. (A unit that
                // had failed already keeps its error, even one caused by a unit whose own run fails now: rare, and reported.)
                Writer.RanUnitByUnit();
                for (var i = 0; i < group.Count; i++)
                {
                    if (outcomes[i].Error is not null) continue;
                    var alone = new (object?, Exception?)[1];
                    await RunGroupAsync(group.GetRange(i, 1), alone, deferring: false);
                    outcomes[i] = alone[0];
                }
                return (worked, committing);
            }
            for (var i = 0; i < group.Count; i++)
                if (outcomes[i].Error is null) outcomes[i] = (null, e);
        }
        return (worked, committing);
    }

    /// <summary>Lets the writer finish what is queued, then closes its connection (the service stopping, a test ending).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_writes is null || !_writes.Writer.TryComplete()) return;
        await _writerLoop!;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task CommitAsync(DbTransaction transaction)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            await transaction.CommitAsync();
            _metrics?.Committed(Stopwatch.GetElapsedTime(started), Options.Provider.ToString());
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
        {
            throw new CommitOutcomeUnknownException(e);
        }
    }

    private sealed record PendingWrite(Func<DbConnection, DbTransaction, CancellationToken, Task<object?>> Work, CancellationToken Cancellation)
    {
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>SQL Server: creates the database of the connection string from <c>master</c> when it does not exist yet.</summary>
    public async Task CreateDatabaseIfMissingAsync(CancellationToken ct)
    {
        if (Dialect.CreateDatabase is not { } sql) return;
        var builder = new SqlConnectionStringBuilder(_connectionString);
        var name = builder.InitialCatalog;
        if (string.IsNullOrEmpty(name) || name.Equals("master", StringComparison.OrdinalIgnoreCase)) return;
        builder.InitialCatalog = "master";
        await using var master = Dialect.Connect(builder.ConnectionString);
        try
        {
            await master.OpenAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CannotConnectException(e);
        }
        await using var command = master.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@name";
        parameter.Value = name;
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One quick round trip, without retries: readiness must answer fast.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = Organisation.OrganisationSql.Ping;
        await command.ExecuteScalarAsync(ct);
    }

    /// <summary>Opens a connection (without retries): for start-up work that handles failures itself.</summary>
    public Task<DbConnection> OpenAsync(CancellationToken ct) => OpenAsync(_connectionString, ct);

    private async Task<DbConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = Dialect.Connect(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await connection.DisposeAsync();
            throw new CannotConnectException(e);
        }
    }

    /// <summary>One unit of work with its retries, traced as one activity (started in the caller's context, so it is the
    /// request's child even when the single writer runs it).</summary>
    private async Task<T> RunAsync<T>(string kind, Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        using var activity = DatabaseActivities.Source.StartActivity($"database {kind}");
        activity?.SetTag(DatabaseActivities.ProviderTag, Options.Provider.ToString()).SetTag(DatabaseActivities.KindTag, kind);
        var attempts = 0;
        try
        {
            return await RetryAsync(token =>
            {
                attempts++;
                return work(token);
            }, ct);
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            activity?.SetTag(DatabaseActivities.RetriesTag, Math.Max(attempts - 1, 0));
        }
    }

    private async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        try
        {
            return await _retry.ExecuteAsync(async token => await work(token), ct);
        }
        catch (Exception e) when (IsRetryable(e))
        {
            throw new DatabaseUnavailableException($"The database does not answer: {Describe(e)}", e);
        }
        catch (CommitOutcomeUnknownException e)
        {
            throw new DatabaseUnavailableException($"The database connection failed during a commit: {Describe(e.InnerException!)}", e);
        }
    }

    private bool IsRetryable(Exception e) => e is CannotConnectException || Dialect.IsTransient(e);

    private static string Describe(Exception e) => (e is CannotConnectException ? e.InnerException! : e).Message;

    /// <summary>Nothing was sent yet, so trying again is always safe.</summary>
    private sealed class CannotConnectException(Exception inner) : Exception(inner.Message, inner);
}
