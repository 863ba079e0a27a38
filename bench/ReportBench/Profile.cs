using System.Diagnostics;
using Dapper;
using Itsm.Domain.Reports;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Reports;
using Itsm.Infrastructure.Sql;

/// <summary>Each statement of the work report on its own: its median time over three runs (the month and the one before) and SQLite's plan.</summary>
internal static class Profile
{
    public static async Task StatementsAsync(Database database, ReportTarget target, ReportPeriod period)
    {
        var sql = new ReportSql(database.Dialect);
        var scope = target.Scope;
        var statements = new (string Name, string Sql)[]
        {
            ("raised", ReportSql.Raised(scope)), ("resolved", ReportSql.Resolved(scope)), ("closed", ReportSql.Closed(scope)),
            ("open now", ReportSql.OpenNow(scope)), ("closed after", sql.ClosedAfter(scope)), ("clocks", ReportSql.Clocks(scope)),
            ("clock p90", sql.ClockMinutesAt(scope)), ("reopens", ReportSql.Reopens(scope)), ("approved", ReportSql.Approved(scope)),
            ("evaluated", ReportSql.Evaluated(scope)), ("evaluation overdue", ReportSql.EvaluationOverdue(scope)),
            ("raised per hour", sql.RaisedPerHour(scope)), ("resolved per hour", sql.ResolvedPerHour(scope)),
            ("inspections", ReportSql.Inspections(scope)), ("accounts", ReportSql.Accounts(scope)),
        };
        var (scopeFrom, scopeTo) = Scope.Range(target.UnitPath);
        object Args(ReportPeriod p) => new
        {
            ScopeFrom = scopeFrom, ScopeTo = scopeTo, Systems = Array.Empty<string>(), From = p.Start, To = p.End,
            OpenStatuses = ReportSql.OpenStatuses, Changes = CategoryRules.Changes.Select(c => c.ToString()).ToArray(),
            DormantCutoff = p.End.AddDays(-90), Kind = "Resolution", Offset = 1000,
        };
        await using var connection = await database.OpenAsync(CancellationToken.None);
        Console.WriteLine("Statement (month + previous month), median of 3 runs:");
        var total = 0.0;
        foreach (var (name, text) in statements)
        {
            var times = new List<double>();
            for (var run = 0; run < 3; run++)
            {
                var watch = Stopwatch.StartNew();
                foreach (var p in new[] { period, period.Previous() })
                    (await connection.QueryAsync(text, Args(p))).AsList();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            total += times[1];
            var plan = (await connection.QueryAsync("EXPLAIN QUERY PLAN " + text, Args(period)))
                .Select(row => (string)row.detail).ToList();
            Console.WriteLine($"  {name,-20} {times[1],8:F1} ms   {string.Join(" | ", plan.Where(l => l.StartsWith("SEARCH") || l.StartsWith("SCAN")))}");
        }
        Console.WriteLine($"  {"sum",-20} {total,8:F1} ms");
    }
}
