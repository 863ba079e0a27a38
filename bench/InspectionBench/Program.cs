// The inspection scheduler and run list at scale: 2,000 plans with 4 runs a day for a year (≈ 2.9 M runs), then a
// pass with nothing due, a pass that creates a day's 8,000 runs, and the first page of the run list against a deep one.
// Usage: dotnet run -c Release --project bench/InspectionBench [plans] [days]
using System.Diagnostics;
using Dapper;
using Itsm.Domain.Inspections;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Hosting;
using Itsm.Infrastructure.Inspections;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

var plans = args.Length > 0 ? int.Parse(args[0]) : 2_000;
var days = args.Length > 1 ? int.Parse(args[1]) : 365;
const int runsPerDay = 4;

var directory = Path.Combine(Path.GetTempPath(), "itsm-inspectionbench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(directory);
// 00:30 UTC: the plans' times are 01:00, 07:00, 13:00 and 19:00 UTC, so nothing is due yet.
var start = new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.Zero);
var clock = new FakeTimeProvider(start);
var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(directory, "itsm.db")}" });
await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
await new DemoData(database, NullLogger<DemoData>.Instance).SeedIfEmptyAsync();
var slaStore = new SlaStore(database);
await slaStore.EnsureDefaultsAsync(start, CancellationToken.None);
var engine = new SlaEngine(slaStore, clock);
var ticketStore = new TicketStore(database, slaStore);
var changes = new TicketChanges(database, ticketStore, slaStore, engine, clock);
var organisation = new OrganisationStore(database);
var store = new InspectionStore(database, slaStore);
var findings = new InspectionFindings(changes, ticketStore, organisation, engine, store, clock);
var runs = new InspectionRuns(store, findings, clock);
var options = new InspectionOptions();
var probes = new InspectionProbes(new HttpClient(), new InspectionTargets(options), options, new ProbeTiming(TimeProvider.System));
var leases = new JobLeases(database, clock, Options.Create(new LeaseOptions()));
var scheduler = new InspectionScheduler(store, runs, findings, probes, engine, clock, leases, NullLogger<InspectionScheduler>.Instance);

Console.WriteLine($"Seeding {plans:N0} plans and {plans * days * runsPerDay:N0} finished runs …");
var seed = Stopwatch.StartNew();
var schedule = new InspectionSchedule("24x7", ["01:00", "07:00", "13:00", "19:00"], "Daily");
var calendar = (await engine.CalendarsAsync(CancellationToken.None))["24x7"];
for (var p = 1; p <= plans; p++)
{
    var definition = new PlanDefinition("ERP", "JS", $"ERP inspection {p}", "JS-L2BIZ", schedule, 1440,
        [new InspectionItem("LOGIN", "Log in", ItemKind.Manual), new InspectionItem("POSTING", "Post a voucher", ItemKind.Manual)]);
    await store.InsertPlanAsync(new InspectionPlan(0, "/HQ/JS/", 1, true, definition, schedule.NextAfter(start, calendar), start, "bench", start, "bench"),
        CancellationToken.None);
}
await using (var connection = await database.OpenAsync(CancellationToken.None))
{
    // A year of passed runs before the start: copies of one run with their own plan and due time (unique per plan).
    var template = InspectionRun.Schedule((await store.DuePlansAsync(start.AddDays(2), 1, CancellationToken.None))[0], "JS", start);
    var items = System.Text.Json.JsonSerializer.Serialize(template.Items, InspectionStore.Json);
    var total = (long)plans * days * runsPerDay;
    const long chunk = 200_000;
    for (long from = 0; from < total; from += chunk)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("""
            WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to)
            INSERT INTO InspectionRuns (PlanId, PlanVersion, PlanName, UnitId, UnitPath, SystemId, GroupId, ScheduledAt, Deadline, State,
                                        StartedAt, StartedBy, EndedAt, EndedBy, Items, Version)
            SELECT i % @plans + 1, 1, 'ERP inspection', 'JS', '/HQ/JS/', 'ERP', 'JS-L2BIZ',
                   strftime('%Y-%m-%dT%H:%M:%S.0000000Z', @first, '+' || (i / @plans / 4) || ' days', '+' || ((i / @plans) % 4 * 6) || ' hours'),
                   strftime('%Y-%m-%dT%H:%M:%S.0000000Z', @first, '+' || (i / @plans / 4 + 1) || ' days', '+' || ((i / @plans) % 4 * 6) || ' hours'),
                   'Passed', NULL, NULL, NULL, NULL, @items, 3
            FROM n
            """, new { from, to = Math.Min(from + chunk, total) - 1, plans, first = start.AddDays(-days).AddMinutes(30).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"), items },
            transaction);
        await transaction.CommitAsync();
    }
    await connection.ExecuteAsync("ANALYZE;");
    var count = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM InspectionRuns");
    Console.WriteLine($"Seeded in {seed.Elapsed.TotalSeconds:F0} s: {count:N0} runs.");
}

await scheduler.RunPassAsync(CancellationToken.None);
var idle = new List<double>();
for (var i = 0; i < 20; i++)
{
    var watch = Stopwatch.StartNew();
    var pass = await scheduler.RunPassAsync(CancellationToken.None);
    idle.Add(watch.Elapsed.TotalMilliseconds);
    if (pass.RunsCreated + pass.Missed != 0) throw new InvalidOperationException("nothing should be due");
}
idle.Sort();
Console.WriteLine($"Pass with nothing due: median {idle[idle.Count / 2]:F2} ms, max {idle[^1]:F2} ms (target < 50 ms)");

// A day later every plan's four runs of the day are due (a 24-hour window: none is missed yet).
clock.SetUtcNow(start.AddDays(1));
var busy = Stopwatch.StartNew();
var created = await scheduler.RunPassAsync(CancellationToken.None);
busy.Stop();
Console.WriteLine($"Pass creating a day's runs: {created.RunsCreated:N0} runs in {busy.Elapsed.TotalSeconds:F2} s " +
                  $"({created.RunsCreated / busy.Elapsed.TotalSeconds:N0}/s; target < 5 s)");

var manager = new Actor("js-itmanager", "JS IT manager", "JS", "/HQ/JS/", new HashSet<Role> { Role.ItManager }, new HashSet<string>());
var (firstPage, _) = await store.ListRunsAsync(new RunQuery(SystemId: "ERP"), manager, CancellationToken.None);
var middle = firstPage[0].Id / 2;
var first = await Time(() => store.ListRunsAsync(new RunQuery(SystemId: "ERP"), manager, CancellationToken.None));
var deep = await Time(() => store.ListRunsAsync(new RunQuery(SystemId: "ERP", BeforeId: middle), manager, CancellationToken.None));
Console.WriteLine($"Run list, 25 a page: first page median {first:F3} ms, deep page ({middle:N0} runs back) median {deep:F3} ms: " +
                  $"{deep / first:F2}× (target ≤ 1.5×)");
Console.WriteLine($"Peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MB");

Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(directory, true);

static async Task<double> Time(Func<Task> list)
{
    for (var i = 0; i < 50; i++) await list();
    var times = new List<double>();
    for (var i = 0; i < 500; i++)
    {
        var watch = Stopwatch.StartNew();
        await list();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times[times.Count / 2];
}
