using System.Text.Json.Nodes;
using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Infrastructure.Scale;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Scale;

/// <summary>
/// The benchmark seed (bench/ScaleSeed) writes straight into the tables: these tests read its tickets back through the API
/// as a created ticket is read, so that the seed cannot drift from the schema or from what the service writes.
/// </summary>
[TestFixture]
public sealed class ScaleSeedTests
{
    private const int Seeded = 2_000;
    private ItsmApp _app = null!;
    private ScaleSeedResult _seed = null!;
    private TicketClient _manager = null!;
    private TicketResponse _created = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _app = new ItsmApp();
        _manager = _app.As(Keys.HqItManager);
        // A ticket raised through the API before the seed: the seed continues after it.
        _created = await _app.As(Keys.JsRequester).CreateAsync();
        _seed = await new ScaleSeed(_app.Services.GetRequiredService<Database>()).SeedAsync(Seeded, _app.Clock.GetUtcNow(), CancellationToken.None);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _manager.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task Instants_OfSeededRows_AreStoredAsTheServiceStoresThem()
    {
        // SQLite compares instants as text: a second format (2026-11-20T01:00…Z beside 2026-11-20 01:00…+00:00) would misorder them.
        var stored = await _app.Services.GetRequiredService<Database>().ReadAsync((connection, _) => connection.QueryAsync<string>(
            "SELECT CreatedAt FROM Tickets WHERE Id >= @first UNION ALL SELECT At FROM TicketHistory WHERE TicketId >= @first " +
            "UNION ALL SELECT StartedAt FROM SlaClocks WHERE TicketId >= @first", new { first = _seed.FirstId }), CancellationToken.None);

        Assert.That(stored.ToList(), Has.Count.GreaterThan(Seeded).And.All.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,7})?\+00:00$"));
    }

    /// <summary>Seeded ticket number <paramref name="index"/> (0: the first).</summary>
    private long Id(int index) => _seed.FirstId + index;

    [Test]
    public async Task Get_SeededTicket_HasEveryFieldOfACreatedOneAndItsStoredState()
    {
        var created = await _manager.GetJsonAsync($"/api/v1/tickets/{_created.Id}");
        var seeded = await _manager.GetJsonAsync($"/api/v1/tickets/{Id(15)}");

        Assert.That(_seed.FirstId, Is.EqualTo(_created.Id + 1));
        Assert.That(seeded.AsObject().Select(p => p.Key), Is.EquivalentTo(created.AsObject().Select(p => p.Key)));
        Assert.That(seeded["status"]!.GetValue<string>(), Is.EqualTo("Closed"), "raised a year ago, so long since confirmed");
        Assert.That(seeded["number"]!.GetValue<string>(), Does.Match(@"^ZJ-HZ-2025-\d{6}$"), "index 15: the Hangzhou branch, raised a year before the clock");
        Assert.That(seeded["version"]!.GetValue<int>(), Is.EqualTo(5), "raised, triaged, started, resolved, closed");
        Assert.That(seeded["resolution"]?["code"]?.GetValue<string>(), Is.Not.Null);
    }

    [Test]
    public async Task History_SeededTicket_ReadsItsLifeAndComments()
    {
        var history = (await _manager.GetJsonAsync($"/api/v1/tickets/{Id(15)}/history"))["items"]!.AsArray()
            .Select(e => e!["action"]!.GetValue<string>()).ToList();
        var comments = (await _manager.GetJsonAsync($"/api/v1/tickets/{Id(15)}/comments"))["items"]!.AsArray();

        Assert.That(history.Where(a => a is "request" or "triage" or "start" or "resolve"),
            Is.EqualTo(new[] { "request", "triage", "start", "resolve" }), string.Join(", ", history));
        Assert.That(history.Count(a => a == "comment"), Is.EqualTo(2), string.Join(", ", history));
        Assert.That(history.Last(a => a != "comment" && !a.StartsWith("sla", StringComparison.Ordinal)), Is.AnyOf("confirm", "auto-close"));
        Assert.That(comments.Select(c => c!["visibility"]!.GetValue<string>()), Is.EquivalentTo(new[] { "Public", "Internal" }));
    }

    [Test]
    public async Task Sla_SeededTicket_HasItsStoppedClocks()
    {
        var sla = await _manager.GetJsonAsync($"/api/v1/tickets/{Id(15)}/sla");
        var clocks = sla["clocks"]!.AsArray();

        Assert.That(clocks.Select(c => c!["kind"]!.GetValue<string>()), Is.SupersetOf(new[] { "Response", "Resolution" }), sla.ToJsonString());
        Assert.That(clocks.All(c => c!["stoppedAt"] is not null), sla.ToJsonString());
    }

    [Test]
    public async Task Search_WordsOfSeededTickets_FindThemThroughTheIndex()
    {
        var rare = (await _manager.GetJsonAsync($"/api/v1/tickets?q={ScaleSeed.RareWord}"))["items"]!.AsArray();
        var number = (await _manager.GetJsonAsync($"/api/v1/tickets/{Id(15)}"))["number"]!.GetValue<string>();
        var byNumber = (await _manager.GetJsonAsync($"/api/v1/tickets?q={number}"))["items"]!.AsArray();
        var note = (await _manager.GetJsonAsync($"/api/v1/tickets?q=厂商&limit=200"))["items"]!.AsArray();

        Assert.That(rare.Select(t => t!["id"]!.GetValue<long>()), Is.EqualTo(new[] { Id(7) }));
        Assert.That(byNumber.Select(t => t!["id"]!.GetValue<long>()), Is.EqualTo(new[] { Id(15) }));
        Assert.That(note.Select(t => t!["id"]!.GetValue<long>()), Does.Contain(Id(Seeded - Seeded % 5 - 5)), "a word of an internal note, for O&M");
    }

    [Test]
    public async Task List_NewestFirst_StartsWithTheNewestSeededTicketAsGetReadsIt()
    {
        // Other tests here raise a ticket or two after the seed.
        var page = (await _manager.GetJsonAsync("/api/v1/tickets?limit=5"))["items"]!.AsArray();
        var first = page.First(t => t!["id"]!.GetValue<long>() <= _seed.LastId)!;
        var newest = await _manager.GetJsonAsync($"/api/v1/tickets/{_seed.LastId}");

        Assert.That(first["id"]!.GetValue<long>(), Is.EqualTo(_seed.LastId));
        foreach (var (key, value) in first.AsObject())
            Assert.That(JsonNode.DeepEquals(value, newest[key]), key);
    }

    [Test]
    public async Task Resolve_SeededTicketInProgress_GoesThroughLikeAnyOther()
    {
        var (id, unit, version) = await _app.Services.GetRequiredService<Database>().ReadAsync((connection, _) =>
            connection.QueryFirstAsync<(long Id, string UnitId, int Version)>(
                "SELECT Id, UnitId, Version FROM Tickets WHERE Status = 'InProgress' AND Id >= @first ORDER BY Id DESC", new { first = _seed.FirstId }),
            CancellationToken.None);
        using var engineer = _app.As(unit.StartsWith("JS", StringComparison.Ordinal) ? Keys.JsEngineer : Keys.ZjEngineer);

        var resolved = await engineer.ActOkAsync(id, "resolve", new { code = "Fixed", resolution = "Fixed after the seed." }, version);

        Assert.That(resolved.Status.ToString(), Is.EqualTo("Resolved"));
        Assert.That(resolved.Version, Is.EqualTo(version + 1));
    }

    [Test]
    public async Task Create_AfterTheSeed_IsNumberedAfterTheSeededTickets()
    {
        using var requester = _app.As(Keys.JsRequester);
        var created = await requester.CreateAsync();

        Assert.That(created.Id, Is.GreaterThan(_seed.LastId));
        var year = created.Number.Split('-')[1];
        var seededNumbers = await _app.Services.GetRequiredService<Database>().ReadAsync((connection, _) =>
            connection.QueryAsync<string>("SELECT Number FROM Tickets WHERE UnitId = 'JS' AND Number LIKE @prefix AND Id <> @id",
                new { prefix = $"JS-{year}-%", id = created.Id }), CancellationToken.None);
        Assert.That(seededNumbers.Select(n => int.Parse(n.Split('-')[^1])).Max() + 1, Is.EqualTo(int.Parse(created.Number.Split('-')[^1])));
    }
}
