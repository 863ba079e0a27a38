using System.Net;
using Itsm.Api.Tests.Setup;
using Microsoft.AspNetCore.Hosting;

namespace Itsm.Api.Tests.Storage;

/// <summary>Demo data (with its public keys) only in Development or when asked; no database error text for anonymous callers.</summary>
[TestFixture]
public sealed class SecureDefaultsTests
{
    /// <summary>The fixture asks for demo data explicitly; these tests leave the switch unset.</summary>
    private static Dictionary<string, string?> SeedUnset() => new() { ["Database:SeedDemoData"] = null };

    [Test]
    public async Task DemoData_OutsideDevelopment_IsNotSeededUnlessAsked()
    {
        using var app = new ItsmApp(SeedUnset());
        using var hqManager = app.As(Keys.HqItManager);

        await TicketClient.ExpectProblemAsync(await hqManager.Http.GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task DemoData_InDevelopment_IsSeeded()
    {
        using var app = new ItsmApp(SeedUnset());
        using var development = app.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        using var client = development.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Keys.JsRequester);

        Assert.That((await client.GetAsync("/api/v1/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task DatabaseAway_AnonymousCallersSeeNoDatabaseErrorText()
    {
        var directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var blocker = Path.Combine(directory, "volume");
        await File.WriteAllTextAsync(blocker, "a file where the database directory should be");
        using var app = new ItsmApp(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Itsm"] = $"Data Source={Path.Combine(blocker, "itsm.db")}",
            ["Database:ReconnectInterval"] = "00:10:00",
        });
        using var anonymous = app.As(null);
        using var caller = app.As(Keys.JsRequester);

        var gate = await TicketClient.ExpectProblemAsync(await caller.Http.GetAsync("/api/v1/me"), HttpStatusCode.ServiceUnavailable);
        var ready = await TicketClient.ExpectProblemAsync(await anonymous.Http.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable);

        foreach (var problem in new[] { gate, ready })
        {
            var text = problem.ToJsonString();
            Assert.That(text, Does.Not.Contain("SQLite Error").And.Not.Contain("unable to open").And.Not.Contain(directory), text);
        }
        Assert.That(ready["detail"]!.GetValue<string>(), Does.Contain("Sqlite"));
        Directory.Delete(directory, true);
    }
}
