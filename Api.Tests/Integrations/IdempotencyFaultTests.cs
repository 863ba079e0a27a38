using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Sql;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Integrations;

/// <summary>Only a unique-key violation while claiming an Idempotency-Key means "in flight"; any other fault is reported as it is.</summary>
[TestFixture]
public sealed class IdempotencyFaultTests
{
    private ItsmApp _app = null!;

    [OneTimeSetUp]
    public void StartApp() => _app = new ItsmApp();

    [OneTimeTearDown]
    public void StopApp() => _app.Dispose();

    [Test]
    public async Task ClaimingAKey_WhenTheDatabaseFails_IsNot409AndTheKeyWorksAfterwards()
    {
        if (_app.Provider != DatabaseProvider.Sqlite) Assert.Ignore("The fault is a SQLite trigger.");
        using var requester = _app.As(Keys.JsRequester);
        var key = Guid.NewGuid().ToString();
        var body = TicketClient.NewTicket("Created once the storage recovers");
        await ExecuteAsync("CREATE TRIGGER IdempotencyFault BEFORE INSERT ON IdempotencyKeys BEGIN SELECT RAISE(ABORT, 'simulated storage fault'); END;");

        var failed = await PostAsync(requester, body, key);

        Assert.That(failed.StatusCode, Is.Not.EqualTo(HttpStatusCode.Conflict));
        await TicketClient.ExpectProblemAsync(failed, HttpStatusCode.InternalServerError);
        await ExecuteAsync("DROP TRIGGER IdempotencyFault;");
        var retried = await PostAsync(requester, body, key);
        await TicketClient.ExpectAsync(retried, HttpStatusCode.Created);
        var replayed = await PostAsync(requester, body, key);
        Assert.That(replayed.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
    }

    [Test]
    public async Task SqliteDialect_TellsAUniqueViolationFromOtherConstraintFaults()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await Run(connection, """
            CREATE TABLE Keys (A TEXT NOT NULL, B TEXT NOT NULL, PRIMARY KEY (A, B));
            CREATE TABLE Other (C TEXT NOT NULL UNIQUE);
            CREATE TABLE Guarded (D TEXT NOT NULL);
            CREATE TRIGGER Refuse BEFORE INSERT ON Guarded BEGIN SELECT RAISE(ABORT, 'no'); END;
            INSERT INTO Keys VALUES ('a', 'b'); INSERT INTO Other VALUES ('c');
            """);

        var primaryKey = Assert.CatchAsync<SqliteException>(() => Run(connection, "INSERT INTO Keys VALUES ('a', 'b')"));
        var unique = Assert.CatchAsync<SqliteException>(() => Run(connection, "INSERT INTO Other VALUES ('c')"));
        var trigger = Assert.CatchAsync<SqliteException>(() => Run(connection, "INSERT INTO Guarded VALUES ('d')"));
        var notNull = Assert.CatchAsync<SqliteException>(() => Run(connection, "INSERT INTO Guarded VALUES (NULL)"));

        Assert.That(SqlDialect.Sqlite.IsUniqueViolation(primaryKey!), Is.True);
        Assert.That(SqlDialect.Sqlite.IsUniqueViolation(unique!), Is.True);
        Assert.That(SqlDialect.Sqlite.IsUniqueViolation(trigger!), Is.False);
        Assert.That(SqlDialect.Sqlite.IsUniqueViolation(notNull!), Is.False);
    }

    private static Task<HttpResponseMessage> PostAsync(TicketClient client, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.Http.SendAsync(request);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_app.Services.GetRequiredService<Database>().SqliteFile}");
        await connection.OpenAsync();
        await Run(connection, sql);
    }

    private static async Task Run(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
