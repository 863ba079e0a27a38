// The service-level scheduler at scale: N tickets of which some have running clocks, then a pass that finds nothing
// due, then a pass that processes a batch of due clocks. Usage: dotnet run -c Release --project bench/SlaBench [tickets] [running] [due]
using System.Diagnostics;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

var tickets = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
var running = args.Length > 1 ? int.Parse(args[1]) : 100_000;
var due = args.Length > 2 ? int.Parse(args[2]) : 10_000;

var directory = Path.Combine(Path.GetTempPath(), "itsm-slabench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(directory);
var start = new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);
var clock = new FakeTimeProvider(start);
var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(directory, "itsm.db")}" });
await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
await new DemoData(database, NullLogger<DemoData>.Instance).SeedIfEmptyAsync();
var slaStore = new SlaStore(database);
await slaStore.EnsureDefaultsAsync(start, CancellationToken.None);
var engine = new SlaEngine(slaStore, clock);
var ticketStore = new TicketStore(database, slaStore);
var changes = new TicketChanges(database, ticketStore, slaStore, engine, clock);
var scheduler = new SlaScheduler(changes, slaStore, clock, NullLogger<SlaScheduler>.Instance);

Console.WriteLine($"Seeding {tickets:N0} tickets, {running:N0} with running clocks …");
var seed = Stopwatch.StartNew();
var context = await engine.ContextAsync(null, CancellationToken.None);
var requester = new Actor("js-requester", "JS requester", "JS", "/HQ/JS/", new HashSet<Role> { Role.Requester }, new HashSet<string>());
var unit = new Itsm.Domain.Organisation.Unit("JS", "Jiangsu", "HQ", "/HQ/JS/");
var system = new BusinessSystem("ERP", "ERP", "HQ", "/HQ/", "Finance");
var matrix = new PriorityMatrix(PriorityMatrixDefaults());
// One ticket through the real store shows what a row looks like; the rest are copies with their own ids, numbers and clocks.
var (template, _) = Ticket.Raise(new TicketRequest("Posting fails", "Steps to reproduce …", Category.ApplicationProblem, Impact.Individual, Urgency.Medium),
    requester, unit, system, matrix, start);
await changes.RaiseAsync(template!, context, CancellationToken.None);
await using (var connection = await database.OpenAsync(CancellationToken.None))
{
    const int chunk = 50_000;
    for (var from = 2; from <= tickets; from += chunk)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var to = Math.Min(from + chunk - 1, tickets);
        await connection.ExecuteAsync($"""
            WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to)
            INSERT INTO Tickets ({TicketSql.Columns})
            SELECT i, 'JS-2026-' || printf('%07d', i), UnitId, UnitPath, SystemId, Category, Title || ' ' || i, Description, Impact, Urgency,
                   Priority, CASE WHEN i % 10 = 0 THEN 'InProgress' ELSE 'Closed' END, Outcome, GroupId, AssigneeId, RequesterId, CreatedAt, UpdatedAt,
                   TriagedAt, ResolvedAt, ClosedAt, ConfirmationDue, ResolutionCode, Resolution, Satisfaction, ApprovalStatus, ApprovalRequestedBy,
                   PlanWhat, PlanBackup, PlanTest, PlanRollback, EscalatedAt, SlaPolicyVersion, ResponseDue, ResolutionDue, SlaState,
                   ExternalSystem, ExternalId, i, Version
            FROM n, (SELECT * FROM Tickets WHERE Id = 1)
            """, new { from, to }, transaction);
        await connection.ExecuteAsync("""
            WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to)
            INSERT INTO SlaClocks (TicketId, Kind, Calendar, TargetMinutes, PolicyVersion, WarnAtPercent, State, StartedAt, StoppedAt, ElapsedMinutes,
                                   RunningSince, WarnAt, DueAt, Warned, BreachedAt, NextDeadline, Segments)
            SELECT i, Kind, Calendar, TargetMinutes, PolicyVersion, WarnAtPercent, State, StartedAt, StoppedAt, ElapsedMinutes,
                   RunningSince, WarnAt, DueAt, Warned, BreachedAt, NextDeadline, Segments
            FROM n, (SELECT * FROM SlaClocks WHERE TicketId = 1 AND Kind = 'Resolution')
            WHERE i % @every = 0
            """, new { from, to, every = Math.Max(tickets / running, 1) }, transaction);
        await transaction.CommitAsync();
    }
    await connection.ExecuteAsync("ANALYZE;");
    var counts = await connection.QuerySingleAsync<(long Tickets, long Clocks)>(
        "SELECT (SELECT COUNT(*) FROM Tickets), (SELECT COUNT(*) FROM SlaClocks WHERE NextDeadline IS NOT NULL)");
    Console.WriteLine($"Seeded in {seed.Elapsed.TotalSeconds:F0} s: {counts.Tickets:N0} tickets, {counts.Clocks:N0} running clocks (deadlines ahead).");
}

await scheduler.RunPassAsync(CancellationToken.None);
var idle = new List<double>();
for (var i = 0; i < 20; i++)
{
    var watch = Stopwatch.StartNew();
    var pass = await scheduler.RunPassAsync(CancellationToken.None);
    idle.Add(watch.Elapsed.TotalMilliseconds);
    if (pass.TicketsTicked != 0) throw new InvalidOperationException("nothing should be due");
}
idle.Sort();
Console.WriteLine($"Pass with nothing due: median {idle[idle.Count / 2]:F2} ms, max {idle[^1]:F2} ms (target < 50 ms)");

// Make `due` clocks due: their deadlines move to just before now.
await using (var connection = await database.OpenAsync(CancellationToken.None))
{
    await connection.ExecuteAsync(
        "UPDATE SlaClocks SET WarnAt = @past, NextDeadline = @past WHERE Id IN (SELECT Id FROM SlaClocks WHERE NextDeadline IS NOT NULL ORDER BY Id LIMIT @due)",
        new { past = start.AddMinutes(-1), due });
}
var busy = Stopwatch.StartNew();
var processed = await scheduler.RunPassAsync(CancellationToken.None);
busy.Stop();
Console.WriteLine($"Pass with {due:N0} due clocks: {busy.Elapsed.TotalSeconds:F2} s for {processed.TicketsTicked:N0} tickets " +
                  $"({processed.TicketsTicked / busy.Elapsed.TotalSeconds:N0}/s; target < 5 s)");
Console.WriteLine($"Peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MB");

Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(directory, true);

static IEnumerable<PriorityMatrixCell> PriorityMatrixDefaults() =>
    from i in Enum.GetValues<Impact>() from u in Enum.GetValues<Urgency>()
    select new PriorityMatrixCell(i, u, (Priority)Math.Min((int)i + (int)u, 3));
