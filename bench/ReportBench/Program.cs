// The work report at scale: N tickets (default 1,000,000) over the last year in five units, each with its response and
// resolution clocks, written straight through SQL; then the report of one province (with its sub-unit) for one month, timed,
// with the process's memory watched while it runs. Usage: dotnet run -c Release --project bench/ReportBench [tickets]
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
var directory = Path.Combine(Path.GetTempPath(), "itsm-reportbench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(directory);
var start = new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);
var clock = new FakeTimeProvider(start);
var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(directory, "itsm.db")}" });
await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
await new DemoData(database, NullLogger<DemoData>.Instance).SeedIfEmptyAsync();
var slaStore = new SlaStore(database);
await slaStore.EnsureDefaultsAsync(start, CancellationToken.None);
var engine = new SlaEngine(slaStore, clock);
var changes = new TicketChanges(database, new TicketStore(database, slaStore), slaStore, engine, clock);

Console.WriteLine($"Seeding {tickets:N0} tickets with their clocks …");
var seed = Stopwatch.StartNew();
var requester = new Actor("js-requester", "JS requester", "JS", "/HQ/JS/", new HashSet<Role> { Role.Requester }, new HashSet<string>());
var unit = new Itsm.Domain.Organisation.Unit("JS", "Jiangsu", "HQ", "/HQ/JS/");
var system = new BusinessSystem("ERP", "ERP", "HQ", "/HQ/", "Finance");
var matrix = new PriorityMatrix(from i in Enum.GetValues<Impact>() from u in Enum.GetValues<Urgency>()
    select new PriorityMatrixCell(i, u, (Priority)Math.Min((int)i + (int)u, 3)));
// One ticket through the real store shows what a row looks like; the rest are copies spread over units, a year, categories,
// priorities and outcomes, each with a response and a resolution clock that stopped when it was triaged and resolved.
var (template, _) = Ticket.Raise(new TicketRequest("Posting fails", "Steps to reproduce …", Category.ApplicationProblem, Impact.Individual, Urgency.Medium),
    requester, unit, system, matrix, start);
await changes.RaiseAsync(template!, await engine.ContextAsync(null, CancellationToken.None), CancellationToken.None);
const string Instant = "strftime('%Y-%m-%d %H:%M:%S+00:00', '2026-12-01 01:00:00', '-' || (i % 365) || ' days', '-' || (i % 600) || ' minutes'";
await using (var connection = await database.OpenAsync(CancellationToken.None))
{
    const int chunk = 100_000;
    for (var from = 2; from <= tickets; from += chunk)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var to = Math.Min(from + chunk - 1, tickets);
        await connection.ExecuteAsync($"""
            WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to)
            INSERT INTO Tickets (Id, Number, UnitId, UnitPath, SystemId, Category, Title, Description, Impact, Urgency, Priority, Status, Outcome,
                GroupId, AssigneeId, RequesterId, CreatedAt, UpdatedAt, TriagedAt, ResolvedAt, ClosedAt, ConfirmationDue, ResolutionCode, Resolution,
                Satisfaction, ApprovalStatus, ApprovalRequestedBy, PlanWhat, PlanBackup, PlanTest, PlanRollback, EscalatedAt, SlaPolicyVersion,
                ResponseDue, ResolutionDue, SlaState, ExternalSystem, ExternalId, RaisedBy, Version)
            SELECT i, 'B-' || i, u.Id, u.Path, SystemId,
                   CASE i % 5 WHEN 0 THEN 'UserGuidance' WHEN 1 THEN 'MasterData' WHEN 2 THEN 'DataQualityIssue' ELSE 'ApplicationProblem' END,
                   Title, Description, Impact, Urgency, 'P' || (1 + i % 4),
                   CASE WHEN i % 365 < 3 THEN 'InProgress' WHEN i % 7 = 0 THEN 'Resolved' ELSE 'Closed' END,
                   CASE WHEN i % 365 < 3 OR i % 7 = 0 THEN NULL ELSE 'Resolved' END,
                   CASE i % 3 WHEN 0 THEN NULL ELSE u.Id2 || '-L2SYS' END, AssigneeId, RequesterId,
                   {Instant}), {Instant}), {Instant}, '+30 minutes'),
                   CASE WHEN i % 365 < 3 THEN NULL ELSE {Instant}, '+300 minutes') END,
                   CASE WHEN i % 365 < 3 OR i % 7 = 0 THEN NULL ELSE {Instant}, '+2000 minutes') END,
                   ConfirmationDue, ResolutionCode, Resolution, CASE WHEN i % 365 < 3 OR i % 7 = 0 THEN NULL ELSE 1 + i % 5 END,
                   ApprovalStatus, ApprovalRequestedBy, PlanWhat, PlanBackup, PlanTest, PlanRollback,
                   CASE WHEN i % 20 = 0 THEN {Instant}, '+60 minutes') END, SlaPolicyVersion, ResponseDue, ResolutionDue, SlaState,
                   ExternalSystem, ExternalId, RaisedBy, Version
            FROM n, (SELECT * FROM Tickets WHERE Id = 1) t,
                 (SELECT 0 AS k, 'JS' AS Id, '/HQ/JS/' AS Path, 'JS' AS Id2 UNION ALL SELECT 1, 'JS-NJ', '/HQ/JS/JS-NJ/', 'JS'
                  UNION ALL SELECT 2, 'ZJ', '/HQ/ZJ/', 'ZJ' UNION ALL SELECT 3, 'ZJ-HZ', '/HQ/ZJ/ZJ-HZ/', 'ZJ' UNION ALL SELECT 4, 'HQ', '/HQ/', 'HQ') u
            WHERE u.k = i % 5
            """, new { from, to }, transaction);
        await connection.ExecuteAsync($"""
            WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to)
            INSERT INTO SlaClocks (TicketId, Kind, Calendar, TargetMinutes, PolicyVersion, WarnAtPercent, State, StartedAt, StoppedAt, ElapsedMinutes,
                                   RunningSince, WarnAt, DueAt, Warned, BreachedAt, NextDeadline, Segments)
            SELECT i, c.Kind, c.Calendar, c.TargetMinutes, c.PolicyVersion, c.WarnAtPercent,
                   CASE WHEN i % 365 < 3 AND c.Kind = 'Resolution' THEN 'Running' WHEN i % 11 = 0 THEN 'Breached' ELSE 'Met' END,
                   {Instant}), CASE WHEN i % 365 < 3 AND c.Kind = 'Resolution' THEN NULL
                                    WHEN c.Kind = 'Response' THEN {Instant}, '+30 minutes') ELSE {Instant}, '+300 minutes') END,
                   (i % 997) * 1.5, NULL, NULL, NULL, 0, NULL, NULL, '[]'
            FROM n, (SELECT * FROM SlaClocks WHERE TicketId = 1) c
            """, new { from, to }, transaction);
        await transaction.CommitAsync();
        Console.Write($"\r{to:N0}");
    }
    await connection.ExecuteAsync("ANALYZE;");
    Console.WriteLine($"\rSeeded {await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM Tickets"):N0} tickets in {seed.Elapsed.TotalSeconds:F0} s.");
}

var store = new ReportStore(database);
var target = new ReportTarget("/HQ/JS/", true, null);
var period = new ReportPeriod(new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
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
    // The report as the endpoint makes it: the period and the one before.
    figures = await store.WorkAsync(target, period, CancellationToken.None);
    await store.WorkAsync(target, period.Previous(), CancellationToken.None);
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
Directory.Delete(directory, true);
