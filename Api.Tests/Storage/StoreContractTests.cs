using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Itsm.Api.Tests.Setup;
using Microsoft.Extensions.Logging.Abstractions;

namespace Itsm.Api.Tests.Storage;

/// <summary>
/// The same contract for both providers: SQLite always, SQL Server when one is at hand (see <see cref="TestDatabases"/>).
/// </summary>
[TestFixture(DatabaseProvider.Sqlite)]
[TestFixture(DatabaseProvider.SqlServer)]
public sealed class StoreContractTests(DatabaseProvider provider)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 2, 3, 4, 567, TimeSpan.Zero);
    private static readonly Actor JsRequester = Person("js-requester", "JS", "/HQ/JS/", Role.Requester);
    private static readonly Actor JsManager = Person("js-itmanager", "JS", "/HQ/JS/", Role.ItManager);
    private static readonly Actor ZjManager = Person("zj-itmanager", "ZJ", "/HQ/ZJ/", Role.ItManager);
    private static readonly Actor HqManager = Person("hq-itmanager", "HQ", "/HQ/", Role.ItManager);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
    private string _connectionString = "";
    private Database _database = null!;
    private TicketStore _tickets = null!;
    private TicketChanges _changes = null!;
    private SlaStore _sla = null!;
    private SlaEngine _engine = null!;
    private OrganisationStore _organisation = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        Directory.CreateDirectory(_directory);
        _connectionString = await TestDatabases.CreateAsync(provider, _directory);
        _database = Open();
        await new Migrator(_database, NullLogger<Migrator>.Instance).MigrateAsync();
        await new DemoData(_database, NullLogger<DemoData>.Instance).SeedIfEmptyAsync();
        _sla = new SlaStore(_database);
        await _sla.EnsureDefaultsAsync(Now, CancellationToken.None);
        _engine = new SlaEngine(_sla, TimeProvider.System);
        _tickets = new TicketStore(_database, _sla);
        _changes = new TicketChanges(_database, _tickets, _sla, _engine, TimeProvider.System);
        _organisation = new OrganisationStore(_database);
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        if (_connectionString.Length > 0) await TestDatabases.DropAsync(provider, _connectionString);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }

    [Test]
    public async Task Migrate_AgainAndFromTwoInstancesAtOnce_AppliesNothingTwice()
    {
        var applied = await Task.WhenAll(
            new Migrator(Open(), NullLogger<Migrator>.Instance).MigrateAsync(),
            new Migrator(Open(), NullLogger<Migrator>.Instance).MigrateAsync());

        Assert.That(applied.SelectMany(a => a), Is.Empty);
    }

    [Test]
    public async Task Migrate_TwoInstancesOnANewScript_ApplyItOnce()
    {
        var name = "V9001__Probe_" + Guid.NewGuid().ToString("N")[..6];
        var scripts = new[] { (name, $"CREATE TABLE {name} (Id int NOT NULL);") };

        var applied = await Task.WhenAll(Enumerable.Range(0, 3)
            .Select(_ => new Migrator(Open(), NullLogger<Migrator>.Instance).MigrateAsync(scripts, CancellationToken.None)));

        Assert.That(applied.SelectMany(a => a), Is.EqualTo(new[] { name }));
    }

    [Test]
    public async Task Migrate_AFailingScript_RollsBackAndLeavesTheSchemaAsItWas()
    {
        var name = "V9002__Broken_" + Guid.NewGuid().ToString("N")[..6];
        var migrator = new Migrator(Open(), NullLogger<Migrator>.Instance);
        var broken = new[] { (name, $"CREATE TABLE {name} (Id int NOT NULL);\nINSERT INTO NoSuchTable (Id) VALUES (1);") };

        var failure = Assert.ThrowsAsync<MigrationFailedException>(() => migrator.MigrateAsync(broken, CancellationToken.None));

        Assert.That(failure!.Message, Does.Contain(name).And.Contain("rolled back"));
        var fixedScript = new[] { (name, $"CREATE TABLE {name} (Id int NOT NULL);") };
        Assert.That(await migrator.MigrateAsync(fixedScript, CancellationToken.None), Is.EqualTo(new[] { name }),
            "neither the table nor the journal row survived the failure");
    }

    [Test]
    public async Task Insert_NumbersPerUnitAndYear_AndReadsBackEveryField()
    {
        var first = await RaiseAsync("JS", "first");
        var second = await RaiseAsync("JS", "second");
        var zj = await RaiseAsync("ZJ", "zj", Person("zj-requester", "ZJ", "/HQ/ZJ/", Role.Requester));

        Assert.That(int.Parse(second.Number[^6..]), Is.EqualTo(int.Parse(first.Number[^6..]) + 1));
        Assert.That(zj.Number, Does.StartWith("ZJ-2026-"));
        var stored = (await _tickets.GetAsync(first.Id, JsManager, CancellationToken.None))!;
        Assert.That((stored.Number, stored.Title, stored.Status, stored.Priority, stored.Category, stored.Version),
            Is.EqualTo((first.Number, "first", TicketStatus.New, Priority.P3, Category.ApplicationProblem, 1)));
        Assert.That(stored.CreatedAt, Is.EqualTo(Now), "instants keep their full precision");
    }

    [Test]
    public async Task Get_OutsideTheCallersScope_FindsNothing()
    {
        var ticket = await RaiseAsync("JS-NJ", "sub-unit");

        Assert.That(await _tickets.GetAsync(ticket.Id, ZjManager, CancellationToken.None), Is.Null);
        Assert.That(await _tickets.GetAsync(ticket.Id, JsManager, CancellationToken.None), Is.Not.Null, "a sub-unit (with a hyphen) is inside its province");
        Assert.That(await _tickets.GetAsync(ticket.Id, HqManager, CancellationToken.None), Is.Not.Null);
    }

    [Test]
    public async Task GetAndList_HoldTheScopeFromBothSides()
    {
        var marker = "scope-" + Guid.NewGuid().ToString("N")[..6];
        var zjRequester = Person("zj-requester", "ZJ", "/HQ/ZJ/", Role.Requester);
        var js = await RaiseAsync("JS", marker);
        var jsNj = await RaiseAsync("JS-NJ", marker);
        var zj = await RaiseAsync("ZJ", marker, zjRequester);
        var zjHz = await RaiseAsync("ZJ-HZ", marker, zjRequester);
        var hq = await RaiseAsync("HQ", marker, Person("hq-itmanager", "HQ", "/HQ/", Role.Requester));
        Ticket[] all = [js, jsNj, zj, zjHz, hq];
        var reaches = new (Actor Actor, Ticket[] Tickets)[]
        {
            (JsManager, [js, jsNj]),
            (ZjManager, [zj, zjHz]),
            (Person("js-nj-manager", "JS-NJ", "/HQ/JS/JS-NJ/", Role.ItManager), [jsNj]),
            (HqManager, all),
            (JsRequester, [js, jsNj]),
            (zjRequester, [zj, zjHz]),
            (Person("js-approver", "JS", "/HQ/JS/", Role.Requester), []),
        };

        foreach (var (actor, tickets) in reaches)
        {
            foreach (var ticket in all)
                Assert.That(await _tickets.GetAsync(ticket.Id, actor, CancellationToken.None) is not null, Is.EqualTo(tickets.Contains(ticket)),
                    $"{actor.UserId} ({actor.UnitPath}) reading the ticket of {ticket.UnitPath}");
            var (listed, _) = await _tickets.ListAsync(new TicketQuery(Text: marker, Limit: 200), actor, CancellationToken.None);
            Assert.That(listed.Select(t => t.Id), Is.EquivalentTo(tickets.Select(t => t.Id)), $"{actor.UserId} ({actor.UnitPath}) listing");
        }
    }

    [Test]
    public async Task Update_FromAStaleVersion_SavesNothing()
    {
        var ticket = await RaiseAsync("JS", "stale");
        TicketChange? first = null;

        // The second change loads version 1; before it saves, the first (also from version 1) saves.
        var second = await _changes.ApplyAsync(ticket.Id, JsManager, TicketAction.Cancel, t => t.Version == 1, async (b, _, _) =>
        {
            first = await _changes.ApplyAsync(ticket.Id, JsManager, TicketAction.Cancel, t => t.Version == 1,
                (a, _, _) => Task.FromResult<object?>(a.Cancel(JsRequester, Now, "one")), null, CancellationToken.None);
            return b.Cancel(JsRequester, Now, "two");
        }, null, CancellationToken.None);

        Assert.That((first?.Result, second.Result), Is.EqualTo(((ChangeResult?)ChangeResult.Saved, ChangeResult.Stale)));
        Assert.That(second.Ticket!.Version, Is.EqualTo(2), "a stale change answers with the ticket as it is now");

        var history = await _tickets.HistoryAsync(ticket.Id, true, CancellationToken.None);
        Assert.That(history.Select(h => h.Action), Is.EqualTo(new[] { "request", "cancel" }));
        Assert.That(history[1].Details, Does.Contain("one").And.Not.Contain("two"));
        Assert.That((history[1].FromStatus, history[1].ToStatus), Is.EqualTo(((TicketStatus?)TicketStatus.New, (TicketStatus?)TicketStatus.Cancelled)));
    }

    [Test]
    public async Task List_PagesByKeysetThroughTheScopeAndFilters()
    {
        var marker = "contract-" + Guid.NewGuid().ToString("N")[..6];
        var ids = new List<long>();
        foreach (var unit in new[] { "JS", "JS-NJ", "ZJ", "JS", "ZJ-HZ", "JS-NJ", "JS" })
            ids.Add((await RaiseAsync(unit, $"{marker} {unit}", unit.StartsWith("ZJ") ? Person("zj-requester", "ZJ", "/HQ/ZJ/", Role.Requester) : null)).Id);

        var seen = new List<long>();
        long? before = null;
        do
        {
            var (items, more) = await _tickets.ListAsync(new TicketQuery(Text: marker, Limit: 2, BeforeId: before), JsManager, CancellationToken.None);
            seen.AddRange(items.Select(t => t.Id));
            before = more ? items[^1].Id : null;
        } while (before is not null);

        Assert.That(seen, Is.EqualTo(new[] { ids[6], ids[5], ids[3], ids[1], ids[0] }), "JS and JS-NJ, newest first, ZJ excluded");
        var (filtered, _) = await _tickets.ListAsync(new TicketQuery(Statuses: [TicketStatus.New], UnitPath: "/HQ/JS/JS-NJ/", Text: marker), HqManager, CancellationToken.None);
        Assert.That(filtered.Select(t => t.Id), Is.EqualTo(new[] { ids[5], ids[1] }));
        var (own, _) = await _tickets.ListAsync(new TicketQuery(Text: marker, CreatedFrom: Now, CreatedTo: Now.AddSeconds(1)), JsRequester, CancellationToken.None);
        Assert.That(own.Select(t => t.RequesterId).Distinct(), Is.EqualTo(new[] { "js-requester" }));
    }

    [Test]
    public async Task Comments_AndInternalHistory_AreFilteredForRequesters()
    {
        var ticket = await RaiseAsync("JS", "comments");
        var engineer = Person("js-engineer", "JS", "/HQ/JS/", Role.Engineer);
        var stored = (await _tickets.GetAsync(ticket.Id, JsManager, CancellationToken.None))!;
        Assert.That(stored.Comment(engineer, Now, CommentVisibility.Internal, "work note"), Is.Null);
        await _tickets.AddCommentAsync(stored, CommentVisibility.Internal, "work note", 10, DateTimeOffset.UnixEpoch, CancellationToken.None);
        Assert.That(stored.Comment(JsRequester, Now, CommentVisibility.Public, "thanks"), Is.Null);
        await _tickets.AddCommentAsync(stored, CommentVisibility.Public, "thanks", 10, DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.That((await _tickets.CommentsAsync(ticket.Id, false, CancellationToken.None)).Select(c => c.Body), Is.EqualTo(new[] { "thanks" }));
        Assert.That((await _tickets.CommentsAsync(ticket.Id, true, CancellationToken.None)).Select(c => c.Body), Is.EqualTo(new[] { "work note", "thanks" }));
        Assert.That((await _tickets.HistoryAsync(ticket.Id, false, CancellationToken.None)).Count(h => h.Action == "comment"), Is.EqualTo(1));
    }

    [Test]
    public async Task Organisation_FindsActorsGroupsAndSystemsWithinReach()
    {
        var engineer = (await _organisation.FindActorByKeyAsync("demo-js-engineer", CancellationToken.None))!;
        var groups = await _organisation.GroupsForAsync(engineer, CancellationToken.None);
        var systems = await _organisation.SystemsForAsync(engineer, CancellationToken.None);
        var units = await _organisation.UnitsInScopeAsync(engineer, CancellationToken.None);

        Assert.That((engineer.UnitId, engineer.UnitPath), Is.EqualTo(("JS", "/HQ/JS/")));
        Assert.That(engineer.GroupIds, Is.EquivalentTo(new[] { "JS-L2SYS", "JS-L2BIZ" }));
        Assert.That(await _organisation.FindActorByKeyAsync("demo-js-nobody", CancellationToken.None), Is.Null);
        Assert.That(groups.Select(g => g.Id), Does.Contain("HQ-L3").And.Contain("JS-L1").And.Not.Contain("ZJ-L1"));
        Assert.That(systems.Select(s => s.Id), Does.Contain("ERP").And.Contain("JS-MKT").And.Not.Contain("ZJ-MKT"));
        Assert.That(units.Select(u => u.Id), Is.EqualTo(new[] { "JS", "JS-NJ" }));
        Assert.That((await _organisation.PriorityMatrixAsync(CancellationToken.None)).PriorityOf(Impact.Enterprise, Urgency.High), Is.EqualTo(Priority.P1));
    }

    [Test]
    public async Task Search_FindsTheSameTicketsOnEitherProvider()
    {
        var marker = "s" + Guid.NewGuid().ToString("N")[..8];
        var engineer = Person("js-engineer", "JS", "/HQ/JS/", Role.Engineer);
        var travel = await RaiseAsync("JS", $"差旅报销单无法提交 {marker}");
        var posting = await RaiseAsync("JS-NJ", $"Invoice posting FAILS {marker}");
        var zj = await RaiseAsync("ZJ", $"差旅报销 posting {marker}", Person("zj-requester", "ZJ", "/HQ/ZJ/", Role.Requester));
        foreach (var (ticket, visibility, body) in new[]
                 {
                     (posting, CommentVisibility.Public, "Screenshot attached: 凭证过账失败"),
                     (travel, CommentVisibility.Internal, "wangli's lock 手工解锁"),
                     (travel, CommentVisibility.Public, "Screenshot please"),
                 })
        {
            var stored = (await _tickets.GetAsync(ticket.Id, JsManager, CancellationToken.None))!;
            Assert.That(stored.Comment(engineer, Now, visibility, body), Is.Null);
            await _tickets.AddCommentAsync(stored, visibility, body, 10, DateTimeOffset.UnixEpoch, CancellationToken.None);
        }

        async Task<long[]> Found(string q, Actor actor) =>
            (await _tickets.ListAsync(new TicketQuery(Search: Itsm.Domain.Search.SearchTerms.Of($"{q} {marker}")), actor, CancellationToken.None))
            .Items.Select(t => t.Id).ToArray();

        Assert.Multiple(async () =>
        {
            Assert.That(await Found("报销", HqManager), Is.EqualTo(new[] { zj.Id, travel.Id }));
            Assert.That(await Found("报销", JsManager), Is.EqualTo(new[] { travel.Id }), "scope");
            Assert.That(await Found("报单", HqManager), Is.Empty);
            Assert.That(await Found("posting fails", HqManager), Is.EqualTo(new[] { posting.Id }));
            Assert.That(await Found("POSTING", HqManager), Is.EqualTo(new[] { zj.Id, posting.Id }));
            Assert.That(await Found("screenshot 过账", JsManager), Is.EqualTo(new[] { posting.Id }), "public comment with a field word");
            Assert.That(await Found("screenshot", JsRequester), Is.EqualTo(new[] { posting.Id, travel.Id }));
            Assert.That(await Found("wangli 报销", JsManager), Is.EqualTo(new[] { travel.Id }), "internal note with a field word");
            Assert.That(await Found("wangli", JsRequester), Is.Empty, "internal notes are not for requesters");
            Assert.That(await Found("解锁", JsRequester), Is.Empty);
            Assert.That(await Found(travel.Number, JsRequester), Is.EqualTo(new[] { travel.Id }));
            Assert.That(await Found("nothing", HqManager), Is.Empty);
        });

        var (filtered, _) = await _tickets.ListAsync(new TicketQuery(Statuses: [TicketStatus.New], UnitPath: "/HQ/JS/JS-NJ/",
            Search: Itsm.Domain.Search.SearchTerms.Of($"posting {marker}"), Limit: 1), HqManager, CancellationToken.None);
        Assert.That(filtered.Select(t => t.Id), Is.EqualTo(new[] { posting.Id }));
        var (first, more) = await _tickets.ListAsync(new TicketQuery(Search: Itsm.Domain.Search.SearchTerms.Of($"报销 {marker}"), Limit: 1),
            HqManager, CancellationToken.None);
        var (second, _) = await _tickets.ListAsync(new TicketQuery(Search: Itsm.Domain.Search.SearchTerms.Of($"报销 {marker}"), Limit: 1,
            BeforeId: first[0].Id), HqManager, CancellationToken.None);
        Assert.That((first[0].Id, more, second.Single().Id), Is.EqualTo((zj.Id, true, travel.Id)));
    }

    [Test]
    public async Task Search_TicketsFromBeforeTheIndex_AreIndexedOnce()
    {
        var marker = "b" + Guid.NewGuid().ToString("N")[..8];
        var ticket = await RaiseAsync("JS", $"门禁卡 backfill {marker}");
        var stored = (await _tickets.GetAsync(ticket.Id, JsManager, CancellationToken.None))!;
        Assert.That(stored.Comment(Person("js-engineer", "JS", "/HQ/JS/", Role.Engineer), Now, CommentVisibility.Public, "reissued"), Is.Null);
        await _tickets.AddCommentAsync(stored, CommentVisibility.Public, "reissued", 10, DateTimeOffset.UnixEpoch, CancellationToken.None);
        var forget = provider == DatabaseProvider.Sqlite ? "DELETE FROM TicketSearch WHERE rowid = @Id" : "DELETE FROM TicketTerms WHERE TicketId = @Id";
        await _database.WriteAsync((connection, transaction, ct) => Dapper.SqlMapper.ExecuteAsync(connection,
            new Dapper.CommandDefinition(forget, new { ticket.Id }, transaction, cancellationToken: ct)), CancellationToken.None);
        var query = new TicketQuery(Search: Itsm.Domain.Search.SearchTerms.Of($"门禁 reissued {marker}"));
        Assert.That((await _tickets.ListAsync(query, JsManager, CancellationToken.None)).Items, Is.Empty);

        var indexed = await _tickets.IndexUnindexedAsync(CancellationToken.None);

        Assert.That(indexed, Is.GreaterThanOrEqualTo(1));
        Assert.That((await _tickets.ListAsync(query, JsManager, CancellationToken.None)).Items.Select(t => t.Id), Is.EqualTo(new[] { ticket.Id }));
        Assert.That(await _tickets.IndexUnindexedAsync(CancellationToken.None), Is.Zero, "nothing is left to index");
    }

    private Database Open() => new(new DatabaseOptions { Provider = provider, ConnectionString = _connectionString, MaxRetries = 1 });

    private async Task<Ticket> RaiseAsync(string unitId, string title, Actor? by = null)
    {
        var unit = (await _organisation.FindUnitAsync(unitId, CancellationToken.None))!;
        var system = (await _organisation.FindSystemAsync("ERP", CancellationToken.None))!;
        var matrix = await _organisation.PriorityMatrixAsync(CancellationToken.None);
        var (ticket, error) = Ticket.Raise(new TicketRequest(title, "d", Category.ApplicationProblem, Impact.Individual, Urgency.Medium),
            by ?? JsRequester, unit, system, matrix, Now);
        Assert.That(error, Is.Null);
        var sla = await _engine.ContextAsync(null, CancellationToken.None);
        var (saved, _) = await _changes.RaiseAsync(ticket!, sla, CancellationToken.None);
        return saved;
    }

    private static Actor Person(string id, string unit, string path, Role role) =>
        new(id, id, unit, path, new HashSet<Role> { role }, new HashSet<string>());
}
