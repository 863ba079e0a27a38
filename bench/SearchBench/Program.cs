// Full-text search at scale: N tickets with Chinese and English texts and comments, indexed the way tickets from before
// the index are (the start-up backfill, which also gives its rate), then the first page of a search for a rare word, a
// common word, a common Chinese pair with filters, and a requester's search.
// Usage: dotnet run -c Release --project bench/SearchBench [tickets] [iterations]
using System.Diagnostics;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Search;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

var tickets = args.Length > 0 ? int.Parse(args[0]) : 100_000;
var iterations = args.Length > 1 ? int.Parse(args[1]) : 200;

var directory = Path.Combine(Path.GetTempPath(), "itsm-searchbench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(directory);
var file = Path.Combine(directory, "itsm.db");
var start = new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);
var clock = new FakeTimeProvider(start);
var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={file}" });
await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
await new DemoData(database, NullLogger<DemoData>.Instance).SeedIfEmptyAsync();
var slaStore = new SlaStore(database);
await slaStore.EnsureDefaultsAsync(start, CancellationToken.None);
var engine = new SlaEngine(slaStore, clock);
var ticketStore = new TicketStore(database, slaStore);
var changes = new TicketChanges(database, ticketStore, slaStore, engine, clock);

Console.WriteLine($"Seeding {tickets:N0} tickets …");
var seed = Stopwatch.StartNew();
var requester = new Actor("js-requester", "JS requester", "JS", "/HQ/JS/", new HashSet<Role> { Role.Requester }, new HashSet<string>());
var manager = new Actor("hq-itmanager", "HQ IT manager", "HQ", "/HQ/", new HashSet<Role> { Role.ItManager }, new HashSet<string>());
var unit = new Itsm.Domain.Organisation.Unit("JS", "Jiangsu", "HQ", "/HQ/JS/");
var system = new BusinessSystem("ERP", "ERP", "HQ", "/HQ/", "Finance");
var matrix = new PriorityMatrix(from i in Enum.GetValues<Impact>() from u in Enum.GetValues<Urgency>()
    select new PriorityMatrixCell(i, u, (Priority)Math.Min((int)i + (int)u, 3)));
var (template, _) = Ticket.Raise(new TicketRequest("Posting fails", "Steps to reproduce …", Category.ApplicationProblem, Impact.Individual, Urgency.Medium),
    requester, unit, system, matrix, start);
await changes.RaiseAsync(template!, await engine.ContextAsync(null, CancellationToken.None), CancellationToken.None);
// Six subjects, each in a third to a sixth of the tickets; "zebra" in one ticket of 10,000 (the rare word).
string[] titles =
[
    "差旅报销单无法提交", "ERP 系统登录失败", "Invoice posting fails with 凭证过账报错", "打印机无法连接 printer offline",
    "账号权限申请 account access request", "报表数据不一致 report totals differ",
];
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
            SELECT i, 'JS-2026-' || printf('%06d', i), UnitId, UnitPath, CASE WHEN i % 2 = 0 THEN 'ERP' ELSE 'HR' END, Category,
                   CASE i % 6 WHEN 0 THEN @t0 WHEN 1 THEN @t1 WHEN 2 THEN @t2 WHEN 3 THEN @t3 WHEN 4 THEN @t4 ELSE @t5 END
                       || CASE WHEN i % 10000 = 7 THEN ' zebra' ELSE '' END,
                   'Seen by user ' || (i % 5000) || ' in branch ' || (i % 97) || '; 第' || (i % 31) || '次出现，请尽快处理。' || Description,
                   Impact, Urgency, Priority, CASE WHEN i % 10 = 0 THEN 'InProgress' ELSE 'Closed' END, Outcome, GroupId, AssigneeId, RequesterId,
                   CreatedAt, UpdatedAt, TriagedAt, ResolvedAt, ClosedAt, ConfirmationDue, ResolutionCode,
                   CASE WHEN i % 10 = 0 THEN NULL ELSE 'Cleared the lock; 用户重新登录后正常' END, Satisfaction, ApprovalStatus, ApprovalRequestedBy,
                   ApprovedBy, ApprovedAt, Effective, EvaluatedBy, EvaluatedAt, EvaluationOverdueNotifiedAt,
                   PlanWhat, PlanBackup, PlanTest, PlanRollback, EscalatedAt, SlaPolicyVersion, ResponseDue, ResolutionDue, SlaState,
                   ExternalSystem, ExternalId, i, Version, RaisedBy, HqGroup, PlanTransport, PlanWrittenBy, PlanWrittenAt, AssessedRisk,
                   AssessedImpact, AssessedBy, AssessedAt, ImplementedAt, TestResult, InspectionRunId, InspectionItem
            FROM n, (SELECT * FROM Tickets WHERE Id = 1)
            """, new { from, to, t0 = titles[0], t1 = titles[1], t2 = titles[2], t3 = titles[3], t4 = titles[4], t5 = titles[5] }, transaction);
        // A public comment on every third ticket, an internal note on every fifth.
        await connection.ExecuteAsync("""
            WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to)
            INSERT INTO TicketComments (TicketId, At, AuthorId, Visibility, Body)
            SELECT i, CreatedAt, 'js-engineer', CASE WHEN i % 5 = 0 THEN 'Internal' ELSE 'Public' END,
                   CASE WHEN i % 5 = 0 THEN 'Root cause: posting lock of user ' || (i % 5000) ELSE '请提供截图 please attach a screenshot' END
            FROM n, (SELECT CreatedAt FROM Tickets WHERE Id = 1) WHERE i % 3 = 0 OR i % 5 = 0
            """, new { from, to }, transaction);
        await transaction.CommitAsync();
    }
}
Console.WriteLine($"Seeded in {seed.Elapsed.TotalSeconds:F1} s.");

var backfill = Stopwatch.StartNew();
var indexed = await ticketStore.IndexUnindexedAsync(CancellationToken.None);
backfill.Stop();
Console.WriteLine($"Indexed {indexed:N0} tickets in {backfill.Elapsed.TotalSeconds:F1} s ({indexed / backfill.Elapsed.TotalSeconds:N0}/s), " +
                  $"database {new FileInfo(file).Length / 1024.0 / 1024:F0} MB (WAL {new FileInfo(file + "-wal").Length / 1024.0 / 1024:F0} MB).");
await using (var connection = await database.OpenAsync(CancellationToken.None)) await connection.ExecuteAsync("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");

Console.WriteLine();
Console.WriteLine("| search (first page of 25, newest first) | matches | p50 (ms) | p95 (ms) | max (ms) |");
Console.WriteLine("|---|---:|---:|---:|---:|");
await Measure("rare word `zebra` (IT manager, whole tree)", new TicketQuery(Search: SearchTerms.Of("zebra")), manager);
await Measure("common word `posting` (IT manager)", new TicketQuery(Search: SearchTerms.Of("posting")), manager);
await Measure("common pair `登录` (IT manager)", new TicketQuery(Search: SearchTerms.Of("登录")), manager);
await Measure("`报销` + `status=InProgress&system=ERP`", new TicketQuery(Search: SearchTerms.Of("报销"), Statuses: [TicketStatus.InProgress], SystemId: "ERP"), manager);
await Measure("two words `screenshot 打印机` (requester)", new TicketQuery(Search: SearchTerms.Of("screenshot 打印机")), requester);
await Measure("deep page: `登录`, cursor half-way back", new TicketQuery(Search: SearchTerms.Of("登录"), BeforeId: tickets / 2), manager);
await Measure("no match `nothing`", new TicketQuery(Search: SearchTerms.Of("nothing")), manager);
Console.WriteLine();
Console.WriteLine($"Peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MB");

Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(directory, true);

async Task Measure(string name, TicketQuery query, Actor actor)
{
    var (items, _) = await ticketStore.ListAsync(query, actor, CancellationToken.None);
    var matches = await database.ReadAsync((connection, _) => connection.ExecuteScalarAsync<long>(
        "SELECT COUNT(*) FROM TicketSearch WHERE TicketSearch MATCH @m",
        new { m = Itsm.Infrastructure.Search.SearchIndex.MatchExpression(query.Search!, actor.SeesInternalNotes) }), CancellationToken.None);
    var times = new List<double>();
    for (var i = 0; i < iterations; i++)
    {
        var watch = Stopwatch.StartNew();
        await ticketStore.ListAsync(query, actor, CancellationToken.None);
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine($"| {name} | {matches:N0} (page {items.Count}) | {times[times.Count / 2]:F2} | {times[(int)(times.Count * 0.95)]:F2} | {times[^1]:F2} |");
}
