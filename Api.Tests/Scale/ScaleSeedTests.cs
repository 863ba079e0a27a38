using System.Text.Json.Nodes;
using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Infrastructure.Scale;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
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
    private List<string> _indexesAsMigrated = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _app = new ItsmApp();
        _manager = _app.As(Keys.HqItManager);
        // A ticket raised through the API before the seed: the seed continues after it.
        _created = await _app.As(Keys.JsRequester).CreateAsync();
        _indexesAsMigrated = await IndexesAsync();
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

        // Ten tickets whatever the size: 7, 207, … 1807 of 2,000, newest first.
        Assert.That(rare.Select(t => t!["id"]!.GetValue<long>()), Is.EqualTo(Enumerable.Range(0, ScaleSeed.RareTickets).Reverse().Select(i => Id(7 + 200 * i))));
        Assert.That(byNumber.Select(t => t!["id"]!.GetValue<long>()), Is.EqualTo(new[] { Id(15) }));
        var newestNoted = await _app.Services.GetRequiredService<Database>().ReadAsync((connection, _) => connection.ExecuteScalarAsync<long>(
            "SELECT MAX(TicketId) FROM TicketComments WHERE Visibility = 'Internal' AND TicketId BETWEEN @first AND @last",
            new { first = _seed.FirstId, last = _seed.LastId }), CancellationToken.None);
        Assert.That(note.Select(t => t!["id"]!.GetValue<long>()), Does.Contain(newestNoted), "a word of an internal note, for O&M");
    }

    [Test]
    public async Task Repeat_ALaterWeeksTicket_IsAFirstWeekLifeMovedByWholeWeeks()
    {
        // 2,000 tickets over 52 weeks: 39 a week; ticket 54 repeats the first week's ticket 15 a week later.
        var (lived, repeated) = (await _manager.GetJsonAsync($"/api/v1/tickets/{Id(15)}"), await _manager.GetJsonAsync($"/api/v1/tickets/{Id(54)}"));
        var week = TimeSpan.FromDays(7);

        Assert.That(_seed.Lived, Is.LessThan(Seeded / 2), "most tickets repeat a life");
        Assert.That(repeated["number"]!.GetValue<string>(), Is.Not.EqualTo(lived["number"]!.GetValue<string>()));
        foreach (var field in new[] { "status", "title", "description", "category", "priority", "version", "assignee", "unit", "system" })
            Assert.That(JsonNode.DeepEquals(repeated[field], lived[field]), field);
        foreach (var instant in new[] { "createdAt", "updatedAt" })
            Assert.That(repeated[instant]!.GetValue<DateTimeOffset>() - lived[instant]!.GetValue<DateTimeOffset>(), Is.EqualTo(week), instant);
        var (livedHistory, repeatedHistory) = (await History(Id(15)), await History(Id(54)));
        Assert.That(repeatedHistory.Select(e => e.Action), Is.EqualTo(livedHistory.Select(e => e.Action)));
        Assert.That(repeatedHistory.Zip(livedHistory, (r, l) => r.At - l.At), Is.All.EqualTo(week));
        var (livedSla, repeatedSla) = (await _manager.GetJsonAsync($"/api/v1/tickets/{Id(15)}/sla"), await _manager.GetJsonAsync($"/api/v1/tickets/{Id(54)}/sla"));
        Assert.That(repeatedSla["clocks"]!.AsArray().Select(c => (c!["state"]!.GetValue<string>(), c["elapsedBusinessMinutes"]!.GetValue<int>())),
            Is.EqualTo(livedSla["clocks"]!.AsArray().Select(c => (c!["state"]!.GetValue<string>(), c["elapsedBusinessMinutes"]!.GetValue<int>()))));
        Assert.That(repeatedSla["clocks"]!.AsArray().SelectMany(c => c!["segments"]!.AsArray()).Select(s => s!["from"]!.GetValue<DateTimeOffset>()),
            Is.EqualTo(livedSla["clocks"]!.AsArray().SelectMany(c => c!["segments"]!.AsArray()).Select(s => s!["from"]!.GetValue<DateTimeOffset>() + week)));
        var byNumber = (await _manager.GetJsonAsync($"/api/v1/tickets?q={repeated["number"]!.GetValue<string>()}"))["items"]!.AsArray();
        Assert.That(byNumber.Select(t => t!["id"]!.GetValue<long>()), Is.EqualTo(new[] { Id(54) }));
    }

    private async Task<List<(string Action, DateTimeOffset At)>> History(long id) =>
        (await _manager.GetJsonAsync($"/api/v1/tickets/{id}/history"))["items"]!.AsArray()
        .Select(e => (e!["action"]!.GetValue<string>(), e["at"]!.GetValue<DateTimeOffset>())).ToList();

    [Test]
    public async Task Clocks_OfSeededTickets_CarryTheirTicketsUnitPathAndPriority()
    {
        // The work report reads clocks by unit path and priority, which the store copies from the ticket.
        var astray = await _app.Services.GetRequiredService<Database>().ReadAsync((connection, _) => connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM SlaClocks c JOIN Tickets t ON t.Id = c.TicketId WHERE c.TicketId >= @first " +
            "AND (c.UnitPath IS NOT t.UnitPath OR c.Priority IS NOT t.Priority)", new { first = _seed.FirstId }), CancellationToken.None);

        Assert.That(astray, Is.Zero);
        Assert.That(_seed.Clocks, Is.GreaterThanOrEqualTo(2 * (Seeded - Seeded / 25)));
    }

    [Test]
    public async Task Indexes_AfterTheSeed_AreTheMigrationsOwnAndAgreeWithTheirTables()
    {
        var database = _app.Services.GetRequiredService<Database>();
        var check = await database.ReadAsync((connection, _) => connection.QueryAsync<string>("PRAGMA integrity_check"), CancellationToken.None);

        Assert.That(await IndexesAsync(), Is.EqualTo(_indexesAsMigrated), "every index the seed dropped is built again from its own definition");
        Assert.That(check.ToList(), Is.EqualTo(new[] { "ok" }), "each index holds exactly its table's rows");
    }

    /// <summary>Every index of the test service's database, with its definition.</summary>
    private Task<List<string>> IndexesAsync() => _app.Services.GetRequiredService<Database>().ReadAsync(async (connection, _) =>
        (await connection.QueryAsync<string>("SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")).ToList(),
        CancellationToken.None);

    [Test]
    public async Task IndexUnindexed_AfterTheSeed_HasNothingToLookAtAndKnowsTheIndexWholeThroughIt()
    {
        var database = _app.Services.GetRequiredService<Database>();
        var through = await database.ReadAsync((connection, _) => connection.ExecuteScalarAsync<long>(
            "SELECT Value FROM Sequences WHERE Name = 'search-indexed'"), CancellationToken.None);
        var unindexed = await database.ReadAsync((connection, _) => connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM Tickets t WHERE NOT EXISTS (SELECT 1 FROM TicketSearch s WHERE s.rowid = t.Id)"), CancellationToken.None);

        Assert.That(through, Is.GreaterThanOrEqualTo(_seed.LastId));
        Assert.That(unindexed, Is.Zero);
        Assert.That(await _app.Services.GetRequiredService<TicketStore>().IndexUnindexedAsync(CancellationToken.None), Is.Zero);
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
