using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Logging.Abstractions;

namespace Itsm.Api.Tests.ServiceLevels;

/// <summary>The engine's caches: a singleton read by every request, so what it publishes must be whole and current.</summary>
[TestFixture]
public sealed class SlaEngineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
    private SlaStore _store = null!;
    private Database _database = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        Directory.CreateDirectory(_directory);
        var database = _database = new Database(new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite, ConnectionString = await TestDatabases.CreateAsync(DatabaseProvider.Sqlite, _directory),
        });
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
        _store = new SlaStore(database);
        await _store.EnsureDefaultsAsync(Now, CancellationToken.None);
    }

    [TearDown]
    public async Task DropDatabase()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }

    [Test]
    public async Task CalendarChange_WhileCalendarsAreBeingLoaded_IsSeenByTheNextRead()
    {
        var clock = new ClockWithAHook(Now);
        var engine = new SlaEngine(_store, clock);
        var (code, definition) = SlaDefaults.Calendars[0];
        // The change lands after the load read the calendars and before the load published them.
        clock.Hook = () =>
        {
            _store.SaveCalendarAsync(code, definition with { Name = "Changed meanwhile" }, Now, CancellationToken.None).GetAwaiter().GetResult();
            engine.CalendarsChanged();
        };

        var during = await engine.CalendarsAsync(CancellationToken.None);
        var after = await engine.CalendarsAsync(CancellationToken.None);

        Assert.That(during[code].Name, Is.EqualTo(definition.Name), "the load in flight read the calendars before the change");
        Assert.That(after[code].Name, Is.EqualTo("Changed meanwhile"));
    }

    [Test]
    public async Task PolicyNamingACalendarAnotherInstanceJustAdded_ReadsTheCalendarsAgain()
    {
        var engine = new SlaEngine(_store, new ClockWithAHook(Now));
        var other = new SlaEngine(_store, new ClockWithAHook(Now));
        await engine.CalendarsAsync(CancellationToken.None); // cached here, before the other instance's changes
        var (_, definition) = SlaDefaults.Calendars[0];
        var current = (await other.ContextAsync(null, CancellationToken.None)).Policy;

        await _store.SaveCalendarAsync("NEW-CAL", definition with { Name = "Added elsewhere" }, Now, CancellationToken.None);
        var stored = await _store.AddPolicyVersionAsync(current with { ConfirmationCalendar = "NEW-CAL" }, "hq-itmanager", Now, CancellationToken.None);

        var context = await engine.ContextAsync(stored.Version, CancellationToken.None);

        Assert.That(context.Calendar("NEW-CAL").Name, Is.EqualTo("Added elsewhere"));
    }

    /// <summary>A fixed clock that runs <see cref="Hook"/> once, the first time it is read.</summary>
    private sealed class ClockWithAHook(DateTimeOffset now) : TimeProvider
    {
        public Action? Hook { get; set; }

        public override DateTimeOffset GetUtcNow()
        {
            var hook = Hook;
            Hook = null;
            hook?.Invoke();
            return now;
        }
    }
}
