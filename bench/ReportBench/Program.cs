// The work report at scale: N tickets (default 1,000,000) over the last year in five units, each with its response and
// resolution clocks, written straight through SQL; then each statement of the report timed on its own (with SQLite's plan),
// and the report of one province (with its sub-unit) for one month, timed, with the process's memory watched while it runs.
// Usage: dotnet run -c Release --project bench/ReportBench [tickets] [directory]
// With a directory, the database is kept there and reused by the next run (seeded once); without, a temporary one is deleted.
using System.Diagnostics;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Reports;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Reports;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

var tickets = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
var keep = args.Length > 1;
var directory = keep ? args[1] : Path.Combine(Path.GetTempPath(), "itsm-reportbench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(directory);
var reuse = keep && File.Exists(Path.Combine(directory, "itsm.db"));
var start = new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);
var clock = new FakeTimeProvider(start);
var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(directory, "itsm.db")}" });
await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
if (!reuse) await new DemoData(database, NullLogger<DemoData>.Instance).SeedIfEmptyAsync();
var slaStore = new SlaStore(database);
await slaStore.EnsureDefaultsAsync(start, CancellationToken.None);
var engine = new SlaEngine(slaStore, clock);
var changes = new TicketChanges(database, new TicketStore(database, slaStore), slaStore, engine, clock);

if (!reuse)
{
Console.WriteLine($"Seeding {tickets:N0} tickets with their clocks …");
var seed = Stopwatch.StartNew();
var requester = new Actor("js-requester", "JS requester", "JS", "/HQ/JS/", new HashSet<Role> { Role.Requester }, new HashSet<string>());
var unit = new Itsm.Domain.Organisation.Unit("JS", "Jiangsu", "HQ", "/HQ/JS/");
var system = new BusinessSystem("ERP", "ERP", "HQ", "/HQ/", "Finance");
var matrix = new PriorityMatrix(from i in Enum.GetValues<Impact>() from u in Enum.GetValues<Urgency>()
    select new PriorityMatrixCell(i, u, (Priority)Math.Min((int)i + (int)u, 3)));
// One ticket through the real store shows what a row looks like; the rest are copies spread over units, a year, categories,
// priorities and outcomes, each with a response and a resolution clock that stopped when it was triaged and resolved; one in
// ten is a change (approved, mostly evaluated), one in fifty was reopened once.
var (template, _) = Ticket.Raise(new TicketRequest("Posting fails", "Steps to reproduce …", Category.ApplicationProblem, Impact.Individual, Urgency.Medium),
    requester, unit, system, matrix, start);
await changes.RaiseAsync(template!, await engine.ContextAsync(null, CancellationToken.None), CancellationToken.None);
const string Instant = "strftime('%Y-%m-%d %H:%M:%S+00:00', '2026-12-01 01:00:00', '-' || (i % 365) || ' days', '-' || (i % 600) || ' minutes'";
const string Units = """
    (SELECT 0 AS k, 'JS' AS Id, '/HQ/JS/' AS Path, 'JS' AS Id2 UNION ALL SELECT 1, 'JS-NJ', '/HQ/JS/JS-NJ/', 'JS'
     UNION ALL SELECT 2, 'ZJ', '/HQ/ZJ/', 'ZJ' UNION ALL SELECT 3, 'ZJ-HZ', '/HQ/ZJ/ZJ-HZ/', 'ZJ' UNION ALL SELECT 4, 'HQ', '/HQ/', 'HQ') u
    """;
const string Open = "i % 365 < 3";
const string Change = "(i / 5) % 10 = 4";
await using (var connection = await database.OpenAsync(CancellationToken.None))
{
    // A bulk load, not the service's durability: no fsync, a large page cache, one transaction per million rows, each
    // statement an INSERT … SELECT over a generated sequence (prepared once, run in place by SQLite).
    await connection.ExecuteAsync("PRAGMA synchronous = OFF; PRAGMA cache_size = -1500000; PRAGMA temp_store = MEMORY;");
    const int chunk = 1_000_000;
    for (var from = 2; from <= tickets; from += chunk)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var to = Math.Min(from + chunk - 1, tickets);
        await connection.ExecuteAsync($"""
            WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to)
            INSERT INTO Tickets (Id, Number, UnitId, UnitPath, SystemId, Category, Title, Description, Impact, Urgency, Priority, Status, Outcome,
                GroupId, AssigneeId, RequesterId, CreatedAt, UpdatedAt, TriagedAt, ResolvedAt, ClosedAt, ConfirmationDue, ResolutionCode, Resolution,
                Satisfaction, ApprovalStatus, ApprovalRequestedBy, PlanWhat, PlanBackup, PlanTest, PlanRollback, EscalatedAt, SlaPolicyVersion,
                ResponseDue, ResolutionDue, SlaState, ExternalSystem, ExternalId, RaisedBy, Version, ApprovedAt, EvaluatedAt, Effective)
            SELECT i, 'B-' || i, u.Id, u.Path, SystemId,
                   CASE (i / 5) % 10 WHEN 0 THEN 'UserGuidance' WHEN 1 THEN 'UserGuidance' WHEN 2 THEN 'MasterData' WHEN 3 THEN 'DataQualityIssue'
                       WHEN 4 THEN 'ConfigurationChange' WHEN 5 THEN 'AccountPermission' ELSE 'ApplicationProblem' END,
                   Title, Description, Impact, Urgency, 'P' || (1 + (i / 7) % 4),
                   CASE WHEN {Open} THEN 'InProgress' WHEN i % 7 = 0 THEN 'Resolved' ELSE 'Closed' END,
                   CASE WHEN {Open} OR i % 7 = 0 THEN NULL WHEN {Change} AND i % 13 = 0 THEN 'Rejected' ELSE 'Resolved' END,
                   CASE i % 3 WHEN 0 THEN NULL ELSE u.Id2 || '-L2SYS' END, AssigneeId, RequesterId,
                   {Instant}), {Instant}), {Instant}, '+30 minutes'),
                   CASE WHEN {Open} THEN NULL ELSE {Instant}, '+300 minutes') END,
                   CASE WHEN {Open} OR i % 7 = 0 THEN NULL ELSE {Instant}, '+2000 minutes') END,
                   CASE WHEN {Open} THEN NULL ELSE {Instant}, '+2000 minutes') END, ResolutionCode, Resolution,
                   CASE WHEN {Open} OR i % 7 = 0 THEN NULL ELSE 1 + i % 5 END,
                   ApprovalStatus, ApprovalRequestedBy, PlanWhat, PlanBackup, PlanTest, PlanRollback,
                   CASE WHEN i % 20 = 0 THEN {Instant}, '+60 minutes') END, SlaPolicyVersion, ResponseDue, ResolutionDue, SlaState,
                   ExternalSystem, ExternalId, RaisedBy, Version,
                   CASE WHEN {Change} THEN {Instant}, '+60 minutes') END,
                   CASE WHEN {Change} AND NOT ({Open} OR i % 7 = 0) THEN {Instant}, '+2500 minutes') END,
                   CASE WHEN {Change} AND NOT ({Open} OR i % 7 = 0) THEN (i % 3 <> 0) END
            FROM n, (SELECT * FROM Tickets WHERE Id = 1) t, {Units}
            WHERE u.k = i % 5
            """, new { from, to }, transaction);
        await connection.ExecuteAsync($"""
            WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to)
            INSERT INTO SlaClocks (TicketId, Kind, Calendar, TargetMinutes, PolicyVersion, WarnAtPercent, State, StartedAt, StoppedAt, ElapsedMinutes,
                                   RunningSince, WarnAt, DueAt, Warned, BreachedAt, NextDeadline, Segments, UnitPath, Priority)
            SELECT i, c.Kind, c.Calendar, c.TargetMinutes, c.PolicyVersion, c.WarnAtPercent,
                   CASE WHEN {Open} AND c.Kind = 'Resolution' THEN 'Running' WHEN i % 11 = 0 THEN 'Breached' ELSE 'Met' END,
                   {Instant}), CASE WHEN {Open} AND c.Kind = 'Resolution' THEN NULL
                                    WHEN c.Kind = 'Response' THEN {Instant}, '+30 minutes') ELSE {Instant}, '+300 minutes') END,
                   (i % 997) * 1.5, NULL, NULL, NULL, 0, NULL, NULL, '[]', u.Path, 'P' || (1 + (i / 7) % 4)
            FROM n, (SELECT * FROM SlaClocks WHERE TicketId = 1) c, {Units}
            WHERE u.k = i % 5
            """, new { from, to }, transaction);
        await connection.ExecuteAsync($"""
            WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to)
            INSERT INTO TicketHistory (TicketId, At, ActorId, Action, FromStatus, ToStatus, Details, Internal)
            SELECT i, {Instant}, '+400 minutes'), 'js-requester', 'reopen', 'Resolved', 'InProgress', '[]', 0 FROM n
            WHERE i % 50 = 1 AND NOT ({Open})
            """, new { from, to }, transaction);
        await transaction.CommitAsync();
        Console.Write($"\r{to:N0}");
    }
    await connection.ExecuteAsync("ANALYZE;");
    Console.WriteLine($"\rSeeded {await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM Tickets"):N0} tickets in {seed.Elapsed.TotalSeconds:F0} s.");
}
}

var store = new ReportStore(database);
var target = new ReportTarget("/HQ/JS/", true, null);
var period = new ReportPeriod(new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
await Profile.StatementsAsync(database, target, period);
await store.WorkAsync(target, period.Previous(), CancellationToken.None);
GC.Collect();
var process = Process.GetCurrentProcess();
process.Refresh();
var before = process.WorkingSet64;
long peak = before;
using var sampling = new CancellationTokenSource();
var sampler = Task.Run(async () =>
{
    while (!sampling.IsCancellationRequested)
    {
        process.Refresh();
        peak = Math.Max(peak, process.WorkingSet64);
        await Task.Delay(5);
    }
});
var times = new List<double>();
WorkFigures? figures = null;
for (var run = 0; run < 5; run++)
{
    var watch = Stopwatch.StartNew();
    // The report as the endpoint makes it: the period and the one before, side by side.
    var (current, previous) = (store.WorkAsync(target, period, CancellationToken.None), store.WorkAsync(target, period.Previous(), CancellationToken.None));
    figures = await current;
    await previous;
    times.Add(watch.Elapsed.TotalMilliseconds);
}
await sampling.CancelAsync();
await sampler;
times.Sort();
Console.WriteLine($"JS and JS-NJ, November 2026 and October: raised {figures!.Volumes.Raised.Total:N0}, resolved {figures.Volumes.Resolved.Total:N0}, " +
                  $"open at end {figures.Volumes.OpenAtEnd.Total:N0}, resolution clocks {figures.TimeToResolve.Count:N0}");
Console.WriteLine($"Report: median {times[times.Count / 2]:F0} ms, max {times[^1]:F0} ms (target < 2000 ms); " +
                  $"working set growth while reporting {(peak - before) / 1024.0 / 1024.0:F1} MB (target < 50 MB)");

Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
if (!keep) Directory.Delete(directory, true);
