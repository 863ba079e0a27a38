using System.Net;
using System.Net.Http.Json;
using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.ServiceLevels;

/// <summary>Calendars and policies are stored as versioned documents of their own, and rows stored before still read.</summary>
[TestFixture]
public sealed class StoredDocumentTests : ApiFixture
{
    private Database Database => _app.Services.GetRequiredService<Database>();

    [Test]
    public async Task PutCalendar_StoresAVersionedDocumentWithItsOwnNames()
    {
        using var hq = _app.As(Keys.HqItManager);
        await TicketClient.ExpectAsync(await hq.Http.PutAsJsonAsync("/api/v1/calendars/STORED",
            new { name = "Stored", timeZone = "Asia/Shanghai", week = new { monday = new[] { new { start = "08:00", end = "12:00" } } }, holidays = new[] { "2026-12-25" } }),
            HttpStatusCode.Created);

        var stored = await ReadAsync("SELECT Definition FROM Calendars WHERE Code = 'STORED'");

        Assert.That(stored, Does.Contain("\"schemaVersion\":1"));
        Assert.That(stored, Does.Contain("\"timeZone\":\"Asia/Shanghai\"").And.Contain("\"week\":{\"monday\":[{\"start\":\"08:00\",\"end\":\"12:00\"}]}")
            .And.Contain("\"holidays\":[\"2026-12-25\"]"));
    }

    [Test]
    public async Task PutPolicy_StoresAVersionedDocumentWithItsOwnNames()
    {
        using var hq = _app.As(Keys.HqItManager);
        var current = await hq.GetJsonAsync("/api/v1/sla/policies");
        await TicketClient.ExpectAsync(await hq.Http.PutAsJsonAsync("/api/v1/sla/policies", new
        {
            rules = current["rules"], pauseIn = current["pauseIn"], warnAtPercent = 80, confirmationWindowDays = 5, confirmationCalendar = "CN-BUSINESS",
        }), HttpStatusCode.OK);

        var stored = await ReadAsync("SELECT Definition FROM SlaPolicies WHERE Version = (SELECT MAX(Version) FROM SlaPolicies)");

        Assert.That(stored, Does.Contain("\"schemaVersion\":1").And.Contain("\"warnAtPercent\":80").And.Contain("\"priority\":\"P1\"")
            .And.Contain("\"pauseIn\":[\""));
    }

    [Test]
    public async Task GetCalendar_StoredBeforeDocumentsWereVersioned_Reads()
    {
        await ExecuteAsync("INSERT INTO Calendars (Code, Definition, UpdatedAt) VALUES ('OLD', @json, @at)",
            """{"name":"Old office","timeZone":"Asia/Shanghai","week":{"monday":[{"start":"09:00","end":"17:00"}],"sunday":[]},"holidays":["2026-12-25"]}""");

        var calendar = await _given.ItManager.GetJsonAsync("/api/v1/calendars/OLD");

        Assert.That(calendar["definition"]!["name"]!.GetValue<string>(), Is.EqualTo("Old office"));
        Assert.That(calendar["definition"]!["week"]!["monday"]![0]!["end"]!.GetValue<string>(), Is.EqualTo("17:00"));
        Assert.That(calendar["definition"]!["holidays"]![0]!.GetValue<string>(), Is.EqualTo("2026-12-25"));
    }

    [Test]
    public async Task GetPolicy_StoredBeforeDocumentsWereVersioned_Reads()
    {
        var version = await Database.ReadAsync((c, ct) => c.ExecuteScalarAsync<int>(new CommandDefinition("SELECT MAX(Version) FROM SlaPolicies", cancellationToken: ct)),
            CancellationToken.None) + 1;
        await ExecuteAsync($"INSERT INTO SlaPolicies (Version, Definition, CreatedAt, CreatedBy) VALUES ({version}, @json, @at, 'hq-itmanager')",
            $$"""
            {"version":{{version}},"rules":[
              {"priority":"P1","responseMinutes":15,"resolutionMinutes":120,"calendar":"24x7","hqMinutes":240,"autoEscalateOnResolutionBreach":true},
              {"priority":"P2","responseMinutes":60,"resolutionMinutes":450,"calendar":"CN-BUSINESS"},
              {"priority":"P3","responseMinutes":240,"resolutionMinutes":1350,"calendar":"CN-BUSINESS","category":"DataChange"},
              {"priority":"P3","responseMinutes":240,"resolutionMinutes":1350,"calendar":"CN-BUSINESS"},
              {"priority":"P4","responseMinutes":450,"resolutionMinutes":2250,"calendar":"CN-BUSINESS"}],
             "pauseIn":["OnHold"],"warnAtPercent":70,"confirmationWindowDays":3,"confirmationCalendar":"CN-BUSINESS"}
            """);
        _app.Services.GetRequiredService<SlaEngine>().PolicyChanged();

        var policy = await _given.ItManager.GetJsonAsync("/api/v1/sla/policies");

        Assert.That(policy["version"]!.GetValue<int>(), Is.EqualTo(version));
        Assert.That(policy["rules"]![0]!["responseMinutes"]!.GetValue<int>(), Is.EqualTo(15));
        Assert.That(policy["rules"]![2]!["category"]!.GetValue<string>(), Is.EqualTo("DataChange"));
        Assert.That(policy["warnAtPercent"]!.GetValue<int>(), Is.EqualTo(70));
        Assert.That(policy["pauseIn"]!.AsArray().Select(s => s!.GetValue<string>()), Is.EqualTo(new[] { "OnHold" }));
    }

    private Task<string> ReadAsync(string sql) =>
        Database.ReadAsync((c, ct) => c.ExecuteScalarAsync<string>(new CommandDefinition(sql, cancellationToken: ct)), CancellationToken.None)!;

    private Task ExecuteAsync(string sql, string json) =>
        Database.WriteAsync((c, t, ct) => c.ExecuteAsync(new CommandDefinition(sql, new { json, at = _app.Clock.GetUtcNow() }, t, cancellationToken: ct)),
            CancellationToken.None);
}
