using Dapper;
using Itsm.Infrastructure.Sql;
using Microsoft.Data.Sqlite;

namespace Itsm.Api.Tests.Storage;

/// <summary>
/// The single writer (SQLite): its own connection with statements kept prepared across groups, a migration on another
/// connection and a reopen; a failing unit of work in a group rolls back only itself.
/// </summary>
[TestFixture]
public sealed class SingleWriterTests
{
    private const string Insert = "INSERT INTO Notes (Id, Body) VALUES (@Id, @Body)";
    private string _directory = "";
    private string _connectionString = "";
    private Database _database = null!;

    [SetUp]
    public async Task OpenDatabase()
    {
        _directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _connectionString = $"Data Source={Path.Combine(_directory, "writer.db")}";
        _database = new Database(new DatabaseOptions { ConnectionString = _connectionString, MaxRetries = 0 });
        await OnAnotherConnectionAsync("PRAGMA journal_mode = WAL; CREATE TABLE Notes (Id INTEGER NOT NULL PRIMARY KEY, Body TEXT NOT NULL);");
    }

    [TearDown]
    public async Task Remove()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, true);
    }

    [Test]
    public async Task WritesInSeveralGroups_PrepareAStatementOnce()
    {
        var first = await InsertAsync(1, "one");
        var (prepared, reused) = (first.Kept.Prepared, first.Kept.Reused);
        var second = await InsertAsync(2, "two");

        Assert.That(second.Kept, Is.SameAs(first.Kept), "the same connection and statements across groups");
        Assert.That(prepared, Is.EqualTo(3), "the INSERT, the SAVEPOINT and the RELEASE");
        Assert.That((second.Kept.Prepared, second.Kept.Reused), Is.EqualTo((prepared, reused + 3)), "prepared by the first write only");
        Assert.That(await BodiesAsync(), Is.EqualTo(new[] { "one", "two" }));
    }

    [Test]
    public async Task WritersConnection_CommitsDurablyAndKeepsSavepointJournalsInMemory()
    {
        var (synchronous, tempStore) = await _database.WriteAsync(async (connection, transaction, ct) =>
            (await connection.QuerySingleAsync<long>(new CommandDefinition("PRAGMA synchronous", transaction: transaction, cancellationToken: ct)),
             await connection.QuerySingleAsync<long>(new CommandDefinition("PRAGMA temp_store", transaction: transaction, cancellationToken: ct))),
            CancellationToken.None);

        Assert.That(synchronous, Is.EqualTo(2), "FULL: every commit reaches the disk before anyone is answered");
        Assert.That(tempStore, Is.EqualTo(2), "MEMORY: a unit's savepoint journal is not written to a temporary file");
    }

    [Test]
    public async Task WritersConnection_ClosedAfterAFailedGroup_DoesNotPassItsSettingsToAReader()
    {
        await InsertAsync(1, "one");
        Assert.That(() => _database.WriteAsync<int>((_, transaction, _) =>
        {
            transaction.Connection!.Close(); // the group's commit fails: the writer closes its connection
            return Task.FromResult(0);
        }, CancellationToken.None), Throws.Exception);

        await using var reader = await _database.OpenAsync(CancellationToken.None);

        Assert.That(await reader.QuerySingleAsync<long>("PRAGMA temp_store"), Is.Zero, "the default: a reader's large sort may spill to disk");
    }

    [Test]
    public async Task MigrationOnAnotherConnection_KeptStatementWritesTheNewSchema()
    {
        var before = await InsertAsync(1, "before");
        var prepared = before.Kept.Prepared;
        // A new column with a default, and the table's rows moved behind a trigger: the kept INSERT must see both.
        await OnAnotherConnectionAsync("""
            ALTER TABLE Notes ADD COLUMN Length INTEGER NOT NULL DEFAULT 0;
            CREATE TRIGGER NotesLength AFTER INSERT ON Notes BEGIN UPDATE Notes SET Length = length(NEW.Body) WHERE Id = NEW.Id; END;
            """);

        var after = await InsertAsync(2, "after migration");

        Assert.That((after.Kept, after.Kept.Prepared), Is.EqualTo((before.Kept, prepared)), "kept, not prepared again by the service");
        await using var connection = new SqliteConnection(_connectionString);
        Assert.That(await connection.QuerySingleAsync<long>("SELECT Length FROM Notes WHERE Id = 2"), Is.EqualTo("after migration".Length));
    }

    [Test]
    public async Task GroupThatFailsWhole_NextWriteRunsOnAFreshConnection()
    {
        var before = await InsertAsync(1, "one");
        // Ending the group's transaction from inside a unit makes its savepoint and the commit fail: the whole group fails.
        Assert.That(() => _database.WriteAsync(async (connection, transaction, ct) =>
        {
            await connection.ExecuteKeptAsync(Insert, new { Id = 2, Body = "lost" }, transaction, ct);
            await using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.Transaction = (SqliteTransaction)transaction;
            await rollback.ExecuteNonQueryAsync(ct);
            return 0;
        }, CancellationToken.None), Throws.Exception);

        var after = await InsertAsync(3, "three");

        Assert.That(after.Kept, Is.Not.SameAs(before.Kept), "reopened");
        Assert.That(after.Kept.Prepared, Is.EqualTo(3), "the fresh connection prepared its statements again");
        Assert.That(await BodiesAsync(), Is.EqualTo(new[] { "one", "three" }));
    }

    [Test]
    public async Task FailingUnitInAGroup_RollsBackOnlyItselfAndItsStatementStaysUsable()
    {
        await InsertAsync(1, "existing");
        // The first unit holds the writer until the others are queued behind it, so they run together as the next group.
        var release = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        var holder = _database.WriteAsync(async (_, _, _) =>
        {
            entered.SetResult();
            await release.Task;
            return 0;
        }, CancellationToken.None);
        await entered.Task;
        var groups = _database.Writer.Groups;
        var first = InsertAsync(2, "first");
        // Inserts its own row, then meets the existing key with the same kept statement: the unit fails.
        var failing = _database.WriteAsync(async (connection, transaction, ct) =>
        {
            await connection.ExecuteKeptAsync(Insert, new { Id = 3, Body = "rolled back" }, transaction, ct);
            await connection.ExecuteKeptAsync(Insert, new { Id = 1, Body = "duplicate" }, transaction, ct);
            return 0;
        }, CancellationToken.None);
        var last = InsertAsync(4, "last");
        release.SetResult();
        await holder;

        await first;
        var error = Assert.ThrowsAsync<SqliteException>(() => failing);
        await last;

        Assert.That(error!.SqliteErrorCode, Is.EqualTo(19), "the unique key");
        Assert.That(_database.Writer.Groups - groups, Is.EqualTo(2), "the holder's group, then one group for the three");
        Assert.That(await BodiesAsync(), Is.EqualTo(new[] { "existing", "first", "last" }));
    }

    [Test]
    public async Task StatementsLeftToTheGroupsEnd_RunAfterEveryUnitInOrder_AndAFailedUnitsAreForgotten()
    {
        var release = await HoldTheWriterAsync();
        var groups = _database.Writer.Groups;
        var first = _database.WriteAsync(async (connection, transaction, ct) =>
        {
            await connection.ExecuteAtGroupEndAsync(Insert, new { Id = 10, Body = "left by the first" }, transaction, ct);
            await connection.ExecuteAtGroupEndAsync("UPDATE Notes SET Body = Body || ', then changed' WHERE Id = @Id", new { Id = 10 }, transaction, ct);
            return 0;
        }, CancellationToken.None);
        var failing = _database.WriteAsync<int>(async (connection, transaction, ct) =>
        {
            await connection.ExecuteAtGroupEndAsync(Insert, new { Id = 11, Body = "left by a unit that fails" }, transaction, ct);
            throw new InvalidOperationException("the unit fails after leaving a statement");
        }, CancellationToken.None);
        var reader = _database.WriteAsync(async (connection, transaction, ct) =>
        {
            await connection.ExecuteKeptAsync(Insert, new { Id = 12, Body = "written at once" }, transaction, ct);
            return await connection.QueryKeptAsync<long>("SELECT Id FROM Notes ORDER BY Id", null, transaction, ct);
        }, CancellationToken.None);
        release.SetResult();

        await first;
        Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.That(await reader, Is.EqualTo(new[] { 12L }), "a later unit of the same group does not see what the first left to the end");
        Assert.That(_database.Writer.Groups - groups, Is.EqualTo(2), "the holder's group, then one group for the three");
        Assert.That(await BodiesAsync(), Is.EqualTo(new[] { "left by the first, then changed", "written at once" }));
    }

    [Test]
    public async Task StatementLeftToTheGroupsEndFails_OnlyItsUnitFails_TheOthersRunAloneAndCommit()
    {
        await InsertAsync(1, "existing");
        var release = await HoldTheWriterAsync();
        var groups = _database.Writer.Groups;
        var first = _database.WriteAsync(async (connection, transaction, ct) =>
        {
            await connection.ExecuteKeptAsync(Insert, new { Id = 2, Body = "first" }, transaction, ct);
            await connection.ExecuteAtGroupEndAsync(Insert, new { Id = 3, Body = "first's, left to the end" }, transaction, ct);
            return "first";
        }, CancellationToken.None);
        // Its statement meets the existing key only at the end of the group, after every unit has succeeded.
        var failing = _database.WriteAsync(async (connection, transaction, ct) =>
        {
            await connection.ExecuteKeptAsync(Insert, new { Id = 4, Body = "rolled back" }, transaction, ct);
            await connection.ExecuteAtGroupEndAsync(Insert, new { Id = 1, Body = "duplicate" }, transaction, ct);
            return "failing";
        }, CancellationToken.None);
        var last = _database.WriteAsync(async (connection, transaction, ct) =>
        {
            await connection.ExecuteAtGroupEndAsync(Insert, new { Id = 5, Body = "last's, left to the end" }, transaction, ct);
            return "last";
        }, CancellationToken.None);
        release.SetResult();

        Assert.That(await first, Is.EqualTo("first"));
        var error = Assert.ThrowsAsync<SqliteException>(() => failing);
        Assert.That(await last, Is.EqualTo("last"));
        Assert.That(error!.SqliteErrorCode, Is.EqualTo(19), "the unique key, reported to the unit whose statement met it");
        Assert.That(_database.Writer.Groups - groups, Is.EqualTo(2), "the holder's group and the failed one (its units ran again inside it)");
        Assert.That(_database.Writer.RunUnitByUnit, Is.EqualTo(1));
        Assert.That(await BodiesAsync(), Is.EqualTo(new[] { "existing", "first", "first's, left to the end", "last's, left to the end" }));
    }

    /// <summary>A unit that holds the writer until the returned source is set, so that what is queued meanwhile runs as one group.</summary>
    private async Task<TaskCompletionSource> HoldTheWriterAsync()
    {
        var release = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        _ = _database.WriteAsync(async (_, _, _) =>
        {
            entered.SetResult();
            await release.Task;
            return 0;
        }, CancellationToken.None);
        await entered.Task;
        return release;
    }

    private enum Shade { Light = 1, Dark = 7 }

    /// <summary>Every kind of value a store binds, each once through the writer's kept statements and once through Dapper.</summary>
    private static readonly object?[] Values =
    [
        "text 文本", 42L, 7, (short)3, (byte)9, true, false, 2.5, 1.25f, Shade.Dark, new DateTimeOffset(2026, 11, 28, 9, 30, 15, 123, TimeSpan.FromHours(8)),
        new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1),
        new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999), new DateTimeOffset(2026, 6, 30, 23, 0, 0, 500, TimeSpan.FromHours(-5)).AddTicks(10),
        new DateTime(2026, 11, 28, 1, 30, 15, DateTimeKind.Utc), 12.50m, 'x', new byte[] { 1, 2, 255 }, Guid.Parse("5b6d7a9e-3c1f-4e2a-9b8d-0123456789ab"), null,
    ];

    [Test]
    public async Task KeptStatement_StoresEveryValueAsTheProviderDoes_AndAnswersItsReturnedId()
    {
        await OnAnotherConnectionAsync("CREATE TABLE Kinds (Id INTEGER NOT NULL PRIMARY KEY, Via TEXT NOT NULL, Position INTEGER NOT NULL, V);");
        const string insert = "INSERT INTO Kinds (Via, Position, V) VALUES (@Via, @Position, @V) RETURNING Id";
        var ids = await _database.WriteAsync(async (connection, transaction, ct) =>
        {
            var returned = new List<long>();
            for (var i = 0; i < Values.Length; i++)
                returned.Add(await connection.ScalarKeptAsync<long>(insert, new { Via = "kept", Position = i, V = Values[i] }, transaction, ct));
            return returned;
        }, CancellationToken.None);
        await using (var connection = new SqliteConnection(_connectionString))
            for (var i = 0; i < Values.Length; i++)
                // A store's instants are typed, so Dapper binds them through the service's UTC handler; untyped here, in UTC already.
                await connection.ExecuteAsync(insert, new { Via = "dapper", Position = i, V = Values[i] is DateTimeOffset d ? d.ToUniversalTime() : Values[i] });

        await using var reader = new SqliteConnection(_connectionString);
        var stored = (await reader.QueryAsync<(string Via, long Position, string Stored)>(
            "SELECT Via, Position, typeof(V) || ' ' || quote(V) FROM Kinds ORDER BY Via, Position")).ToLookup(r => r.Via, r => r.Stored);
        Assert.That(stored["kept"], Is.EqualTo(stored["dapper"]), "the same type and value, whichever way written");
        Assert.That(stored["kept"].ElementAt(10), Is.EqualTo("text '2026-11-28 01:30:15.123+00:00'"), "an instant in UTC");
        Assert.That(stored["kept"].ElementAt(9), Is.EqualTo("integer 7"), "an enum as its number, as Dapper binds it");
        Assert.That(stored["kept"].Skip(11).Take(4), Is.EqualTo(new[]
        {
            "text '2026-01-02 03:04:05+00:00'", "text '0001-01-01 00:00:00.0000001+00:00'", "text '9999-12-31 23:59:59.9999999+00:00'",
            "text '2026-07-01 04:00:00.500001+00:00'",
        }), "no fraction without one, seven digits at most, trailing zeros dropped, in UTC");
        Assert.That(ids, Is.EqualTo(Enumerable.Range(1, Values.Length).Select(i => (long)i)), "RETURNING answers each row's id");
    }

    [Test]
    public async Task KeptStatement_ReportsTheConstraintAsTheProviderDoes_AndTheRowsItChanged()
    {
        await InsertAsync(1, "one");
        var error = Assert.ThrowsAsync<SqliteException>(() => InsertAsync(1, "again"));
        Assert.That((error!.SqliteErrorCode, error.SqliteExtendedErrorCode), Is.EqualTo((19, 1555)), "a primary key violation, as the provider raises it");
        Assert.That(error.Message, Does.Contain("UNIQUE constraint failed: Notes.Id"));

        var changed = await _database.WriteAsync((connection, transaction, ct) =>
            connection.ExecuteKeptAsync("UPDATE Notes SET Body = @Body WHERE Id >= @Id", new { Id = 0, Body = "all" }, transaction, ct), CancellationToken.None);
        var none = await _database.WriteAsync((connection, transaction, ct) =>
            connection.ExecuteKeptAsync("UPDATE Notes SET Body = @Body WHERE Id >= @Id", new { Id = 5, Body = "none" }, transaction, ct), CancellationToken.None);
        Assert.That((changed, none), Is.EqualTo((1, 0)));
        Assert.That(await BodiesAsync(), Is.EqualTo(new[] { "all" }));
    }

    /// <summary>Inserts a note; the writer's kept statements (their counts are final once the group has committed).</summary>
    private async Task<(KeptStatements Kept, int Rows)> InsertAsync(long id, string body) =>
        await _database.WriteAsync(async (connection, transaction, ct) =>
        {
            var rows = await connection.ExecuteKeptAsync(Insert, new { Id = id, Body = body }, transaction, ct);
            return (KeptStatements.On(connection)!, rows);
        }, CancellationToken.None);

    private async Task<string[]> BodiesAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        return (await connection.QueryAsync<string>("SELECT Body FROM Notes ORDER BY Id")).ToArray();
    }

    private async Task OnAnotherConnectionAsync(string sql)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql);
    }
}
