using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Logging.Abstractions;

namespace Itsm.Api.Tests.Storage;

/// <summary>The outbox's table is rebuilt (SQLite) or altered (SQL Server) for events with a subject: what it held stays.</summary>
[TestFixture(DatabaseProvider.Sqlite)]
[TestFixture(DatabaseProvider.SqlServer)]
public sealed class OutboxMigrationTests(DatabaseProvider provider)
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
    private string _connectionString = "";

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        if (_connectionString.Length > 0) await TestDatabases.DropAsync(provider, _connectionString);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }

    [Test]
    public async Task Migration_OfSubjects_KeepsAnUndispatchedTicketEvent_AndTakesAnEventWithOnlyASubject()
    {
        Directory.CreateDirectory(_directory);
        _connectionString = await TestDatabases.CreateAsync(provider, _directory);
        await using var database = new Database(new DatabaseOptions { Provider = provider, ConnectionString = _connectionString, MaxRetries = 1 });
        var migrator = new Migrator(database, NullLogger<Migrator>.Instance);
        var scripts = Migrator.Scripts(database.Dialect);
        await migrator.MigrateAsync(scripts.Where(s => string.CompareOrdinal(s.Name, "V0019") < 0).ToList(), CancellationToken.None);
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            foreach (var sql in new[]
                     {
                         "INSERT INTO Units (Id, Name, Path) VALUES ('JS', 'JS', '/JS/')",
                         "INSERT INTO Users (Id, Name, UnitId, Kind, Roles) VALUES ('u1', 'U', 'JS', 'Person', 'Requester')",
                         "INSERT INTO Systems (Id, Name, UnitId) VALUES ('ERP', 'ERP', 'JS')",
                     })
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: ct));
            var ticket = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO Tickets (Number, UnitId, UnitPath, SystemId, Category, Title, Description, Impact, Urgency, Priority, Status, RequesterId, RaisedBy, " +
                "CreatedAt, UpdatedAt, Version) " + (provider == DatabaseProvider.SqlServer ? "OUTPUT INSERTED.Id " : "") +
                "VALUES ('JS-1', 'JS', '/JS/', 'ERP', 'ApplicationProblem', 't', 'd', 'Low', 'Low', 'P4', 'New', 'u1', 'u1', @At, @At, 1)" +
                (provider == DatabaseProvider.SqlServer ? "" : " RETURNING Id"), new { At = DateTimeOffset.UnixEpoch }, transaction, cancellationToken: ct));
            return await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO OutboxEvents (EventId, Type, TicketId, UnitPath, Payload, OccurredAt, Dispatched) " +
                "VALUES ('evt_old', 'ticket.created', @ticket, '/JS/', '{}', @At, 0)", new { ticket, At = DateTimeOffset.UnixEpoch }, transaction,
                cancellationToken: ct));
        }, CancellationToken.None);

        Assert.That(await migrator.MigrateAsync(), Does.Contain("V0019__Outbox_subjects"));

        var kept = await database.ReadAsync(async (connection, ct) => (await connection.QueryAsync<(string, string, long, int)>(new CommandDefinition(
            "SELECT EventId, Type, TicketId, Dispatched FROM OutboxEvents", cancellationToken: ct))).ToList(), CancellationToken.None);
        Assert.That(kept, Is.EqualTo(new[] { ("evt_old", "ticket.created", 1L, 0) }));
        await database.WriteAsync((connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO OutboxEvents (EventId, Type, Subject, UnitPath, Payload, OccurredAt, Dispatched) " +
            "VALUES ('evt_new', 'access-review.overdue', 'access-review:7', '/JS/', '{}', @At, 0)", new { At = DateTimeOffset.UnixEpoch }, transaction,
            cancellationToken: ct)), CancellationToken.None);
        Assert.That(() => database.WriteAsync((connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO OutboxEvents (EventId, Type, UnitPath, Payload, OccurredAt, Dispatched) VALUES ('evt_none', 'x', '/JS/', '{}', @At, 0)",
            new { At = DateTimeOffset.UnixEpoch }, transaction, cancellationToken: ct)), CancellationToken.None),
            Throws.InstanceOf<System.Data.Common.DbException>(), "an event about nothing is still refused");
    }
}
