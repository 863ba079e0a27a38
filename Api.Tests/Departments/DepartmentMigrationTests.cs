using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Logging.Abstractions;

namespace Itsm.Api.Tests.Departments;

/// <summary>An installation from before departments: each system's owner text becomes a department of its unit and its owner there.</summary>
[TestFixture(DatabaseProvider.Sqlite)]
[TestFixture(DatabaseProvider.SqlServer)]
public sealed class DepartmentMigrationTests(DatabaseProvider provider)
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
    public async Task Migration_OfOwnerDepartmentTexts_MakesOneDepartmentPerTextAndUnitAndOwnsTheSystemsThere()
    {
        Directory.CreateDirectory(_directory);
        _connectionString = await TestDatabases.CreateAsync(provider, _directory);
        await using var database = new Database(new DatabaseOptions { Provider = provider, ConnectionString = _connectionString, MaxRetries = 1 });
        var migrator = new Migrator(database, NullLogger<Migrator>.Instance);
        var scripts = Migrator.Scripts(database.Dialect);
        await migrator.MigrateAsync(scripts.Where(s => string.CompareOrdinal(s.Name, "V0010") < 0).ToList(), CancellationToken.None);
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            foreach (var (id, parent, path) in new[] { ("HQ", (string?)null, "/HQ/"), ("JS", "HQ", "/HQ/JS/") })
                await connection.ExecuteAsync(new CommandDefinition("INSERT INTO Units (Id, Name, ParentId, Path) VALUES (@id, @id, @parent, @path)",
                    new { id, parent, path }, transaction, cancellationToken: ct));
            foreach (var (id, unit, owner) in new[]
                     {
                         ("ERP", "HQ", "Finance Department"), ("ESB", "HQ", "Finance Department"), ("OA", "HQ", "General Office"),
                         ("JS-MKT", "JS", "江苏市场部"),
                     })
                await connection.ExecuteAsync(new CommandDefinition("INSERT INTO Systems (Id, Name, UnitId, OwnerDepartment) VALUES (@id, @id, @unit, @owner)",
                    new { id, unit, owner }, transaction, cancellationToken: ct));
            return 0;
        }, CancellationToken.None);

        Assert.That(await migrator.MigrateAsync(), Does.Contain("V0010__Departments_and_system_owners"));

        var organisation = new OrganisationStore(database);
        var owners = new Dictionary<string, string?>();
        foreach (var system in new[] { "ERP", "ESB", "OA", "JS-MKT" })
            owners[system] = (await organisation.FindSystemAsync(system, CancellationToken.None))!.OwnerDepartment;
        Assert.That(owners, Is.EqualTo(new Dictionary<string, string?>
        {
            ["ERP"] = "DEPT-1", ["ESB"] = "DEPT-1", ["OA"] = "DEPT-2", ["JS-MKT"] = "DEPT-3",
        }));
        var departments = new[] { "DEPT-1", "DEPT-2", "DEPT-3" }
            .Select(code => organisation.FindDepartmentAsync(code, CancellationToken.None).Result!).ToList();
        Assert.That(departments.Select(d => (d.Name, d.UnitId)),
            Is.EqualTo(new[] { ("Finance Department", "HQ"), ("General Office", "HQ"), ("江苏市场部", "JS") }));
        Assert.That((await organisation.OwnersOfAsync("ERP", CancellationToken.None)).Select(o => (o.UnitId, o.Department)),
            Is.EqualTo(new[] { ("HQ", "DEPT-1") }));
    }
}
