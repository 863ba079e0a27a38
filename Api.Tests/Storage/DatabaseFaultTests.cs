using System.Net;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Sql;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Storage;

/// <summary>A database that does not answer never takes the process down, never yields a 500, and is recovered from.</summary>
[TestFixture]
public sealed class DatabaseFaultTests
{
    private const string UnreachableSqlServer = "Server=127.0.0.1,1;Database=itsm;User Id=sa;Password=unused-Passw0rd;Connect Timeout=1;Encrypt=False;Pooling=False";

    private static Dictionary<string, string?> SqlServerAt(string connectionString) => new()
    {
        ["Database:Provider"] = "SqlServer",
        ["ConnectionStrings:Itsm"] = connectionString,
        ["Database:MaxRetries"] = "1",
        ["Database:RetryBaseDelay"] = "00:00:00.050",
        ["Database:ReconnectInterval"] = "00:00:00.200",
    };

    [Test]
    public async Task SqlServerUnreachableAtStart_ProcessStaysUpLiveIs200ReadyAndApiAre503()
    {
        using var app = new ItsmApp(SqlServerAt(UnreachableSqlServer));
        using var anonymous = app.As(null);
        using var caller = app.As(Keys.JsRequester);

        Assert.That((await anonymous.Http.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await TicketClient.ExpectProblemAsync(await anonymous.Http.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable);
        Assert.That(ready["detail"]!.GetValue<string>(), Does.Contain("SqlServer"));
        var api = await caller.Http.GetAsync("/api/v1/me");
        var problem = await TicketClient.ExpectProblemAsync(api, HttpStatusCode.ServiceUnavailable);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:database-unavailable"));
        Assert.That(api.Headers.RetryAfter, Is.Not.Null);
        Assert.That((await anonymous.Http.GetAsync("/openapi/v1.json")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task DatabaseLostAfterStart_ApiAnswers503NotA500()
    {
        using var app = new ItsmApp(SqlServerAt(UnreachableSqlServer));
        using var caller = app.As(Keys.JsRequester);
        var state = app.Services.GetRequiredService<DatabaseState>();
        // The reconnect loop waits on the fake clock, which stands still: nothing can mark the database unprepared again
        // between this line and the request, so the request gets through the gate and meets the lost database.
        state.Prepared();

        var response = await caller.Http.PostAsync("/api/v1/tickets", System.Net.Http.Json.JsonContent.Create(TicketClient.NewTicket()));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("does not answer"));
        Assert.That(state.IsPrepared, Is.True, "no reconnect attempt ran while the clock stood still");
    }

    [Test]
    public async Task ReconnectLoop_RunsWhenTheClockSaysSo()
    {
        using var app = new ItsmApp(SqlServerAt(UnreachableSqlServer));
        var state = app.Services.GetRequiredService<DatabaseState>();
        state.Prepared();

        // Each step lets the next attempt fall due, whenever the loop started waiting; the attempt then fails for real.
        await StepClockUntil(app, () => !state.IsPrepared);

        Assert.That(state.NotReadyReason, Does.Contain("cannot be reached"));
    }

    [Test]
    public async Task DatabaseReturning_IsRecoveredFromWithoutARestart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var blocker = Path.Combine(directory, "volume");
        await File.WriteAllTextAsync(blocker, "a file where the database directory should be: the volume is not mounted yet");
        using var app = new ItsmApp(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Itsm"] = $"Data Source={Path.Combine(blocker, "itsm.db")}",
            ["Database:ReconnectInterval"] = "00:00:00.100",
        });
        using var caller = app.As(Keys.JsRequester);
        await TicketClient.ExpectProblemAsync(await caller.Http.GetAsync("/api/v1/me"), HttpStatusCode.ServiceUnavailable);

        File.Delete(blocker);

        var state = app.Services.GetRequiredService<DatabaseState>();
        await StepClockUntil(app, () => state.IsPrepared);
        var response = await caller.Http.GetAsync("/api/v1/me");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await caller.Http.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Directory.Delete(directory, true);
    }

    /// <summary>Moves the fake clock a reconnect interval at a time, giving the attempt it releases real time to finish.</summary>
    private static async Task StepClockUntil(ItsmApp app, Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done() && DateTime.UtcNow < deadline)
        {
            app.Clock.Advance(TimeSpan.FromMilliseconds(200));
            await Task.Delay(50);
        }
        Assert.That(done(), Is.True, "the reconnect loop did not get there within 30 s");
    }

    [Test]
    public async Task FailingMigration_StopsStartUpWithTheScriptNameAndLeavesTheSchemaAsItWas()
    {
        var directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "itsm.db");
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE Units (Id TEXT PRIMARY KEY, Note TEXT); INSERT INTO Units VALUES ('X', 'made by hand');";
            await command.ExecuteNonQueryAsync();
        }
        using var app = new ItsmApp(new Dictionary<string, string?> { ["ConnectionStrings:Itsm"] = $"Data Source={file}" });

        var failure = Assert.Catch(() => app.CreateClient());

        Assert.That(failure!.ToString(), Does.Contain("V0001__Organisation_and_tickets").And.Contain("rolled back"));
        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT COUNT(*) FROM sqlite_master WHERE name IN ('Tickets', 'SchemaVersions')) || ':' || (SELECT Note FROM Units)";
            Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("0:made by hand"), "no new table, no journal, the old table untouched");
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, true);
    }
}
