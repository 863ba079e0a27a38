using Dapper;
using Itsm.Domain.Reports;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Reports;

/// <summary>What a report covers: a unit (alone, or with its subtree) and, when not null, only these systems.</summary>
public sealed record ReportTarget(string UnitPath, bool IncludeSubunits, IReadOnlyList<string>? Systems)
{
    public ReportScope Scope => new(IncludeSubunits, Systems is not null);
}

/// <summary>
/// Computes a work report's figures with SQL aggregates: each section is one statement of <see cref="ReportSql"/> returning a
/// few grouped rows, folded here into the section's figures. Nothing reads tickets one by one.
/// </summary>
public sealed class ReportStore(Database database, Itsm.Infrastructure.Accounts.AccountOptions? accountOptions = null)
{
    private readonly int _dormantAfterDays = accountOptions?.DormantAfterDays ?? Itsm.Domain.Accounts.Account.DefaultDormantAfterDays;

    private readonly ReportSql _sql = new(database.Dialect);

    private static readonly string[] Changes = CategoryRules.Changes.Select(c => c.ToString()).ToArray();

    public Task<IReadOnlyList<string>> DepartmentSystemsAsync(string department, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<string>>(async (connection, token) =>
            (await connection.QueryAsync<string>(new CommandDefinition(ReportSql.DepartmentSystems, new { department }, cancellationToken: token))).ToList(), ct);

    public async Task<WorkFigures> WorkAsync(ReportTarget target, ReportPeriod period, CancellationToken ct)
    {
        var scope = target.Scope;
        var (scopeFrom, scopeTo) = Scope.Range(target.UnitPath);
        var args = new DynamicParameters(new
        {
            ScopeFrom = scopeFrom, ScopeTo = scopeTo, Systems = target.Systems ?? [], From = period.Start, To = period.End,
            OpenStatuses = ReportSql.OpenStatuses, Changes, DormantCutoff = period.End.AddDays(-_dormantAfterDays),
        });

        var lines = (await RowsAsync<(string Id, string Line)>(ReportSql.GroupLines, args, ct)).ToDictionary(g => g.Id, g => g.Line);
        string LineOf(string? group) => group is not null && lines.TryGetValue(group, out var line) ? line : "None";
        List<VolumeRow> WithLines(IEnumerable<VolumeRow> rows) => rows.Select(r => r with { Line = LineOf(r.GroupId) }).ToList();
        var raised = WithLines(await RowsAsync<VolumeRow>(ReportSql.Raised(scope), args, ct));
        var resolved = WithLines(await RowsAsync<VolumeRow>(ReportSql.Resolved(scope), args, ct));
        var closed = (await RowsAsync<ClosedRow>(ReportSql.Closed(scope), args, ct)).Select(c => c with { Line = LineOf(c.GroupId) }).ToList();
        var open = WithLines((await RowsAsync<VolumeRow>(ReportSql.OpenNow(scope), args, ct))
            .Concat(await RowsAsync<VolumeRow>(_sql.ClosedAfter(scope), args, ct)));
        var clocks = await RowsAsync<ClockRow>(ReportSql.Clocks(scope), args, ct);
        var reopens = await ScalarAsync(ReportSql.Reopens(scope), args, ct);
        var approved = await ScalarAsync(ReportSql.Approved(scope), args, ct);
        var evaluated = (await RowsAsync<EvaluatedRow>(ReportSql.Evaluated(scope), args, ct)).Single();
        var overdue = await ScalarAsync(ReportSql.EvaluationOverdue(scope), args, ct);
        var inspections = await RowsAsync<InspectionRow>(ReportSql.Inspections(scope), args, ct);
        var accounts = (await RowsAsync<AccountRow>(ReportSql.Accounts(scope), args, ct)).Single();
        var raisedHours = await RowsAsync<HourRow>(_sql.RaisedPerHour(scope), args, ct);
        var resolvedHours = await RowsAsync<HourRow>(_sql.ResolvedPerHour(scope), args, ct);

        var resolvedTotal = resolved.Sum(r => (int)r.N);
        var raisedBreakdown = Fold(raised, target);
        var resolvedBreakdown = Fold(resolved, target);
        var closedRows = closed.Select(c => new VolumeRow
            { Category = c.Category, Priority = c.Priority, SystemId = c.SystemId, UnitPath = c.UnitPath, Line = c.Line, N = c.N }).ToList();
        var rated = closed.Where(c => c.Satisfaction is not null).ToList();
        var responses = rated.Sum(c => (int)c.N);

        return new WorkFigures(
            new Volumes(raisedBreakdown, resolvedBreakdown, Fold(closedRows, target), Fold(open, target)),
            // First contact: resolved by line 1, or with no other line's group.
            Rates.Of(resolved.Where(r => r.Line is "None" or "Line1").Sum(r => (int)r.N), resolvedTotal),
            Compliance(clocks, "Response", null),
            Compliance(clocks, "Resolution", null),
            Enum.GetNames<Priority>().Select(p => new PriorityCompliance(p,
                Ended(clocks, "Response", p), Met(clocks, "Response", p), Compliance(clocks, "Response", p),
                Ended(clocks, "Resolution", p), Met(clocks, "Resolution", p), Compliance(clocks, "Resolution", p))).ToList(),
            await DurationAsync(clocks, "Resolution", scope, args, ct),
            Rates.Of(resolved.Sum(r => (int)r.Escalated), resolvedTotal),
            await DurationAsync(clocks, "HqResolution", scope, args, ct),
            Rates.Of(reopens, resolvedTotal),
            new SatisfactionFigures(
                responses == 0 ? null : Math.Round(rated.Sum(c => (double)c.Satisfaction!.Value * c.N) / responses, 2),
                responses,
                Enumerable.Range(1, 5).ToDictionary(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    s => rated.Where(c => c.Satisfaction == s).Sum(c => (int)c.N))),
            Inspect(inspections),
            new DataQualityFigures(Count(raisedBreakdown.ByCategory, nameof(Category.DataQualityIssue)),
                Count(resolvedBreakdown.ByCategory, nameof(Category.DataQualityIssue))),
            new ChangeFigures(
                Changes.Sum(c => Count(raisedBreakdown.ByCategory, c)),
                approved,
                closed.Where(c => c.Outcome == nameof(ClosureOutcome.Rejected)).Sum(c => (int)c.N),
                (int)evaluated.Evaluated, (int)evaluated.Effective, overdue),
            Daily(period, raisedHours, resolvedHours),
            accounts.ToFigures());
    }

    private async Task<BusinessDuration> DurationAsync(IReadOnlyList<ClockRow> clocks, string kind, ReportScope scope, DynamicParameters args,
        CancellationToken ct)
    {
        var ofKind = clocks.Where(c => c.Kind == kind).ToList();
        var count = ofKind.Sum(c => (int)c.N);
        if (count == 0) return new BusinessDuration(0, null, null);
        var mean = ofKind.Sum(c => c.Minutes) / count;
        // The 90th percentile by nearest rank: the value at rank ⌈0.9 n⌉, read by offset from the ordered clocks.
        var rank = (int)Math.Ceiling(0.9 * count);
        var p90 = await database.ReadAsync((connection, token) => connection.ExecuteScalarAsync<double>(new CommandDefinition(
            _sql.ClockMinutesAt(scope), With(args, new { Kind = kind, Offset = rank - 1 }), cancellationToken: token)), ct);
        return new BusinessDuration(count, Math.Round(mean, 2), Math.Round(p90, 2));
    }

    private static DynamicParameters With(DynamicParameters args, object more)
    {
        var combined = new DynamicParameters(args);
        combined.AddDynamicParams(more);
        return combined;
    }

    private static int Ended(IReadOnlyList<ClockRow> clocks, string kind, string? priority) =>
        clocks.Where(c => c.Kind == kind && (priority is null || c.Priority == priority)).Sum(c => (int)c.N);

    private static int Met(IReadOnlyList<ClockRow> clocks, string kind, string? priority) =>
        clocks.Where(c => c.Kind == kind && c.State == "Met" && (priority is null || c.Priority == priority)).Sum(c => (int)c.N);

    private static double? Compliance(IReadOnlyList<ClockRow> clocks, string kind, string? priority) =>
        Rates.Of(Met(clocks, kind, priority), Ended(clocks, kind, priority));

    private static int Count(IReadOnlyDictionary<string, int> counts, string key) => counts.TryGetValue(key, out var n) ? n : 0;

    private static Breakdown Fold(IReadOnlyList<VolumeRow> rows, ReportTarget target)
    {
        static IReadOnlyDictionary<string, int> By(IEnumerable<VolumeRow> rows, Func<VolumeRow, string> key) =>
            rows.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => (int)r.N));
        return new Breakdown(rows.Sum(r => (int)r.N), By(rows, r => r.Category), By(rows, r => r.Priority), By(rows, r => r.Line),
            By(rows, r => r.SystemId), target.IncludeSubunits ? By(rows, r => UnitOf(r.UnitPath)) : new Dictionary<string, int>());
    }

    private static string UnitOf(string unitPath) => unitPath.TrimEnd('/')[(unitPath.TrimEnd('/').LastIndexOf('/') + 1)..];

    private static InspectionFigures Inspect(IReadOnlyList<InspectionRow> rows)
    {
        int Sum(Func<InspectionRow, long> f) => rows.Sum(r => (int)f(r));
        var (scheduled, completed, passed) = (Sum(r => r.Scheduled), Sum(r => r.Completed), Sum(r => r.Passed));
        return new InspectionFigures(scheduled, completed, passed, Sum(r => r.Failed), Sum(r => r.Missed), Rates.Of(completed, scheduled),
            Rates.Of(passed, completed),
            rows.OrderBy(r => r.SystemId, StringComparer.Ordinal).Select(r => new SystemInspections(r.SystemId, (int)r.Scheduled, (int)r.Completed,
                (int)r.Passed, (int)r.Failed, (int)r.Missed, Rates.Of((int)r.Completed, (int)r.Scheduled), Rates.Of((int)r.Passed, (int)r.Completed))).ToList());
    }

    /// <summary>Hourly UTC counts folded into the unit's local dates, one entry per day of the period.</summary>
    private static IReadOnlyList<DayCount> Daily(ReportPeriod period, IReadOnlyList<HourRow> raised, IReadOnlyList<HourRow> resolved)
    {
        Dictionary<DateOnly, int> Fold(IReadOnlyList<HourRow> rows) => rows
            .GroupBy(r => period.DateOf(DateTimeOffset.ParseExact(r.Hour.Trim().Replace(' ', 'T'), "yyyy-MM-dd'T'HH",
                System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal)))
            .ToDictionary(g => g.Key, g => g.Sum(r => (int)r.N));
        var (up, down) = (Fold(raised), Fold(resolved));
        return Enumerable.Range(0, period.Days).Select(i => period.From.AddDays(i))
            .Select(d => new DayCount(d, up.GetValueOrDefault(d), down.GetValueOrDefault(d))).ToList();
    }

    private Task<IReadOnlyList<T>> RowsAsync<T>(string sql, DynamicParameters args, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<T>>(async (connection, token) =>
            (await connection.QueryAsync<T>(new CommandDefinition(sql, args, cancellationToken: token))).ToList(), ct);

    private Task<int> ScalarAsync(string sql, DynamicParameters args, CancellationToken ct) =>
        database.ReadAsync((connection, token) => connection.ExecuteScalarAsync<int>(new CommandDefinition(sql, args, cancellationToken: token)), ct);

    private sealed class AccountRow
    {
        public long DormantAtEnd { get; init; }
        public long ReviewsCompleted { get; init; }
        public long ReviewsOverdue { get; init; }

        public AccountFigures ToFigures() => new((int)DormantAtEnd, (int)ReviewsCompleted, (int)ReviewsOverdue);
    }

    private sealed record VolumeRow
    {
        public string Category { get; init; } = "";
        public string Priority { get; init; } = "";
        public string SystemId { get; init; } = "";
        public string UnitPath { get; init; } = "";
        public string? GroupId { get; init; }
        public string Line { get; init; } = "";
        public long N { get; init; }
        public long Escalated { get; init; }
    }

    private sealed record ClosedRow
    {
        public string Category { get; init; } = "";
        public string Priority { get; init; } = "";
        public string SystemId { get; init; } = "";
        public string UnitPath { get; init; } = "";
        public string? GroupId { get; init; }
        public string Line { get; init; } = "";
        public string? Outcome { get; init; }
        public long? Satisfaction { get; init; }
        public long N { get; init; }
    }

    private sealed class ClockRow
    {
        public string Kind { get; init; } = "";
        public string Priority { get; init; } = "";
        public string State { get; init; } = "";
        public long N { get; init; }
        public double Minutes { get; init; }
    }

    private sealed class EvaluatedRow
    {
        public long Evaluated { get; init; }
        public long Effective { get; init; }
    }

    private sealed class InspectionRow
    {
        public string SystemId { get; init; } = "";
        public long Scheduled { get; init; }
        public long Completed { get; init; }
        public long Passed { get; init; }
        public long Failed { get; init; }
        public long Missed { get; init; }
    }

    private sealed class HourRow
    {
        public string Hour { get; init; } = "";
        public long N { get; init; }
    }
}
