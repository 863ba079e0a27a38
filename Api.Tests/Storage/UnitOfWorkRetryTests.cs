using Itsm.Infrastructure.Sql;
using Microsoft.Data.Sqlite;

namespace Itsm.Api.Tests.Storage;

/// <summary>Transient faults repeat the whole unit of work; an unknown commit outcome is never repeated.</summary>
[TestFixture]
public sealed class UnitOfWorkRetryTests
{
    private string _directory = "";
    private Database _database = null!;

    [SetUp]
    public void OpenDatabase()
    {
        _directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _database = new Database(new DatabaseOptions
        {
            ConnectionString = $"Data Source={Path.Combine(_directory, "retry.db")}", MaxRetries = 3, RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        });
    }

    [TearDown]
    public async Task Remove()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, true);
    }

    [Test]
    public async Task TransientFault_RepeatsTheWholeUnitOfWork()
    {
        var attempts = 0;

        var result = await _database.WriteAsync((_, _, _) =>
            ++attempts < 3 ? throw new SqliteException("database is locked", 5) : Task.FromResult("done"), CancellationToken.None);

        Assert.That((result, attempts), Is.EqualTo(("done", 3)));
    }

    [Test]
    public void TransientFaultThatPersists_BecomesDatabaseUnavailable()
    {
        var attempts = 0;

        Assert.ThrowsAsync<DatabaseUnavailableException>(() =>
            _database.ReadAsync<int>((_, _) => { attempts++; throw new SqliteException("database is locked", 5); }, CancellationToken.None));

        Assert.That(attempts, Is.EqualTo(4), "one try and three retries");
    }

    [Test]
    public void NonTransientFault_IsNotRepeated()
    {
        var attempts = 0;

        Assert.ThrowsAsync<SqliteException>(() =>
            _database.ReadAsync<int>((_, _) => { attempts++; throw new SqliteException("constraint failed", 19); }, CancellationToken.None));

        Assert.That(attempts, Is.EqualTo(1));
    }

    [Test]
    public async Task GroupCommit_AFailingUnitDoesNotAffectTheOthersCommittedWithIt()
    {
        await _database.WriteAsync(async (connection, transaction, _) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY)";
            return await command.ExecuteNonQueryAsync();
        }, CancellationToken.None);

        var writes = Enumerable.Range(1, 40).Select(i => _database.WriteAsync(async (connection, transaction, _) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO t (id) VALUES ({(i % 10 == 0 ? 1 : i)})";
            return await command.ExecuteNonQueryAsync();
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(writes.Select(w => w.ContinueWith(_ => { })));

        Assert.That(writes.Count(w => w.IsFaulted), Is.EqualTo(4), "the four duplicates of id 1 fail");
        var count = await _database.ReadAsync(async (connection, _) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM t";
            return (long)(await command.ExecuteScalarAsync())!;
        }, CancellationToken.None);
        Assert.That(count, Is.EqualTo(36));
    }

    [Test]
    public void FailedCommit_IsNeverRepeated()
    {
        var attempts = 0;

        // A deferred foreign key is checked only at COMMIT, so the commit itself fails.
        var failure = Assert.ThrowsAsync<DatabaseUnavailableException>(() => _database.WriteAsync(async (connection, transaction, _) =>
        {
            attempts++;
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (pid INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED); " +
                                  "INSERT INTO c VALUES (42);";
            return await command.ExecuteNonQueryAsync();
        }, CancellationToken.None));

        Assert.That(failure!.InnerException, Is.TypeOf<CommitOutcomeUnknownException>());
        Assert.That(attempts, Is.EqualTo(1));
    }
}
