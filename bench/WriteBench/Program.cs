// The write path in one process, without HTTP: 32 concurrent callers raise tickets through TicketChanges for a while,
// then run whole lifecycles (raise, triage, start, resolve, confirm); each phase prints its rate, latency and where the
// single writer's time went per unit of work (opening and beginning a group, running the units, the commit's fsync).
// Usage: dotnet run -c Release --project bench/WriteBench [seconds] [callers] [directory]
using System.Diagnostics;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Microsoft.Extensions.Logging.Abstractions;

var seconds = args.Length > 0 ? int.Parse(args[0]) : 10;
var callers = args.Length > 1 ? int.Parse(args[1]) : 32;
var directory = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "itsm-writebench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(directory);
var file = Path.Combine(directory, "itsm.db");
foreach (var f in Directory.GetFiles(directory, "itsm.db*")) File.Delete(f);

var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={file}" });
await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
await new DemoData(database, NullLogger<DemoData>.Instance).SeedIfEmptyAsync();
var clock = TimeProvider.System;
var sla = new SlaStore(database);
await sla.EnsureDefaultsAsync(clock.GetUtcNow(), CancellationToken.None);
var engine = new SlaEngine(sla, clock);
var tickets = new TicketStore(database, sla);
var changes = new TicketChanges(database, tickets, sla, engine, clock);
var organisation = new OrganisationStore(database);
var none = CancellationToken.None;

var requester = (await organisation.FindActorByKeyAsync("demo-js-requester", none))!;
var desk = (await organisation.FindActorByKeyAsync("demo-js-servicedesk", none))!;
var engineer = (await organisation.FindActorByKeyAsync("demo-js-engineer", none))!;
var unit = (await organisation.FindUnitAsync("JS", none))!;
var system = (await organisation.FindSystemAsync("ERP", none))!;
var group = (await organisation.FindGroupAsync("JS-L2SYS", none))!;
var matrix = await organisation.PriorityMatrixAsync(none);

async Task<Ticket> RaiseAsync(int i)
{
    var (ticket, _) = Ticket.Raise(new TicketRequest($"Benchmark ticket {i}", "Created by bench/WriteBench.", Category.ApplicationProblem,
        Impact.Individual, Urgency.Medium), requester, unit, system, matrix, clock.GetUtcNow());
    return (await changes.RaiseAsync(ticket!, await engine.ContextAsync(null, none), none)).Ticket;
}

async Task ActAsync(long id, Actor actor, TicketAction action, Func<Ticket, SlaContext, DateTimeOffset, TicketError?> act)
{
    var change = await changes.ApplyAsync(id, actor, action, _ => true, (t, s, now) => Task.FromResult<object?>(act(t, s, now)), null, none);
    if (change.Result != ChangeResult.Saved) throw new InvalidOperationException($"{action} on {id}: {change.Result} {change.Refusal}");
}

async Task Lifecycle(int i)
{
    var id = (await RaiseAsync(i)).Id;
    await ActAsync(id, desk, TicketAction.Triage, (t, _, now) => t.Triage(desk, now, t.Category, t.Impact, t.Urgency, group, null, matrix, null));
    await ActAsync(id, engineer, TicketAction.Start, (t, _, now) => t.Start(engineer, now, null));
    await ActAsync(id, engineer, TicketAction.Resolve, (t, s, now) =>
        t.Resolve(engineer, now, ResolutionCode.Fixed, "Done by the benchmark.", s.ConfirmationDue(now), Implementation.None));
    await ActAsync(id, requester, TicketAction.Confirm, (t, _, now) => t.ConfirmResolution(requester, now, new Confirmation(null, 5, null)));
}

async Task<(int Done, double[] Latencies)> RunAsync(TimeSpan length, Func<int, Task> work)
{
    var counter = 0;
    var latencies = new List<double>[callers];
    using var stop = new CancellationTokenSource(length);
    await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
    {
        var mine = latencies[c] = [];
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            await work(Interlocked.Increment(ref counter));
            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    })));
    var all = latencies.SelectMany(l => l).Order().ToArray();
    return (all.Length, all);
}

void Report(string phase, int done, double[] latencies, int writesPerItem, TimeSpan length,
    (long Groups, long Units, TimeSpan Open, TimeSpan Work, TimeSpan Commit, int Gen0, int Gen1, int Gen2, TimeSpan Paused) before)
{
    var w = database.Writer;
    var (groups, units) = (w.Groups - before.Groups, w.Units - before.Units);
    double Us(TimeSpan t) => t.TotalMicroseconds / Math.Max(units, 1);
    var (open, work, commit) = (Us(w.Opening - before.Open), Us(w.Working - before.Work), Us(w.Committing - before.Commit));
    Console.WriteLine($"{phase}: {done / length.TotalSeconds:N0}/s ({done * writesPerItem / length.TotalSeconds:N0} writes/s), " +
                      $"p50 {latencies[latencies.Length / 2]:F2} ms, p99 {latencies[(int)(latencies.Length * 0.99)]:F2} ms; " +
                      $"writer per unit: open {open:F1} µs + work {work:F1} µs + commit {commit:F1} µs = {open + work + commit:F1} µs; " +
                      $"{units / Math.Max(groups, 1.0):F1} units per group; writer busy {(w.Opening + w.Working + w.Committing - before.Open - before.Work - before.Commit) / length:P0}; " +
                      $"GC: {GC.CollectionCount(0) - before.Gen0} collections ({GC.CollectionCount(1) - before.Gen1} of gen 1, {GC.CollectionCount(2) - before.Gen2} of gen 2), " +
                      $"paused {(GC.GetTotalPauseDuration() - before.Paused).TotalMilliseconds:F0} ms in all");
}

(long, long, TimeSpan, TimeSpan, TimeSpan, int, int, int, TimeSpan) Snapshot() =>
    (database.Writer.Groups, database.Writer.Units, database.Writer.Opening, database.Writer.Working, database.Writer.Committing,
     GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

Console.WriteLine($"{callers} callers, {seconds} s per phase, database {file}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
var length = TimeSpan.FromSeconds(seconds);
await RunAsync(TimeSpan.FromSeconds(2), RaiseAsync); // warm-up
var snap = Snapshot();
var (created, createLatencies) = await RunAsync(length, RaiseAsync);
Report("create", created, createLatencies, 1, length, snap);
await RunAsync(TimeSpan.FromSeconds(2), Lifecycle); // warm-up
snap = Snapshot();
var (lived, lifeLatencies) = await RunAsync(length, Lifecycle);
Report("lifecycle", lived, lifeLatencies, 5, length, snap);
Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
if (args.Length <= 2) Directory.Delete(directory, recursive: true);
