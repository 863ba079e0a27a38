using System.Net.Http.Headers;
using Itsm.Infrastructure.Sql;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Itsm.Api.Tests.Setup;

/// <summary>The real service over HTTP, on its own fresh embedded database file, with a clock the test controls.</summary>
public sealed class ItsmApp(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
    private string? _connectionString;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero));

    public string Directory => _directory;

    /// <summary>The provider of the HTTP suite: SQLite, or SQL Server when ITSM_TEST_HTTP_PROVIDER says so;
    /// a test that brings its own connection string names its provider (SQLite when it does not).</summary>
    public DatabaseProvider Provider => settings?.GetValueOrDefault("Database:Provider") is { } provider
        ? Enum.Parse<DatabaseProvider>(provider)
        : settings?.ContainsKey("ConnectionStrings:Itsm") == true ? DatabaseProvider.Sqlite : TestDatabases.HttpProvider;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        System.IO.Directory.CreateDirectory(_directory);
        _connectionString = settings?.GetValueOrDefault("ConnectionStrings:Itsm")
                            ?? TestDatabases.CreateAsync(Provider, _directory).GetAwaiter().GetResult();
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Itsm"] = _connectionString,
            ["Database:Provider"] = Provider.ToString(),
            ["Database:SeedDemoData"] = "true",
            // Tests run scheduler passes themselves, at the fake clock's time; one test switches the timer on.
            ["Sla:SchedulerEnabled"] = "false",
            ["Inspections:SchedulerEnabled"] = "false",
            ["Accounts:SchedulerEnabled"] = "false",
            ["Outbox:Enabled"] = "false",
            ["Retention:Enabled"] = "false",
            ["Webhooks:AllowInsecureTargets"] = "true",
            // Beside this app's database whatever the provider (on SQL Server the default would be the source tree's data/).
            ["Attachments:Directory"] = Path.Combine(_directory, "attachments"),
            // One test caller sends hundreds of requests a second: rate limits are out of reach unless a test sets its own.
            ["RateLimits:PermitsPerSecond"] = "1000000",
            ["RateLimits:Burst"] = "1000000",
            ["RateLimits:IntegrationCreates:PermitsPerSecond"] = "1000000",
            ["RateLimits:IntegrationCreates:Burst"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(configuration));
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>A client that authenticates with <paramref name="apiKey"/> (null: anonymous).</summary>
    public TicketClient As(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return new TicketClient(client);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        if (_connectionString is not null && settings?.ContainsKey("ConnectionStrings:Itsm") != true)
            TestDatabases.DropAsync(Provider, _connectionString).GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
