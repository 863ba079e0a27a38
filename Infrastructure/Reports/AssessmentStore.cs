using System.Text.Json;
using Dapper;
using Itsm.Domain.Reports;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Reports;

/// <summary>A month's frozen scores: when it was closed, by whom, under which rules version.</summary>
public sealed record ClosedPeriod(string Period, int RulesVersion, DateTimeOffset ClosedAt, string ClosedBy);

/// <summary>One unit's stored score in a closed month.</summary>
public sealed record StoredScore(string UnitId, string ParentId, double Score, int Rank, IReadOnlyList<Deduction> Deductions);

/// <summary>Assessment rules versions and closed months' scores.</summary>
public sealed class AssessmentStore(Database database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The rules in force: the latest version; the default rules become version 1 of a database that has none.</summary>
    public async Task<AssessmentRules> LatestRulesAsync(CancellationToken ct) =>
        await database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<RulesRow>(
            new CommandDefinition(AssessmentSql.LatestRules, cancellationToken: token)), ct) is { } row
            ? row.ToRules()
            : await AddRulesAsync(AssessmentRules.Default.Rules, "system", DateTimeOffset.UnixEpoch, ct, onlyIfNone: true);

    public async Task<AssessmentRules?> RulesAsync(int version, CancellationToken ct) =>
        (await database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<RulesRow>(
            new CommandDefinition(AssessmentSql.Rules, new { version }, cancellationToken: token)), ct))?.ToRules();

    /// <summary>Stores the rules as the next version and returns it.</summary>
    public Task<AssessmentRules> AddRulesAsync(IReadOnlyList<AssessmentRule> rules, string by, DateTimeOffset at, CancellationToken ct,
        bool onlyIfNone = false) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            var latest = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(AssessmentSql.LatestVersion, null, transaction, cancellationToken: token)) ?? 0;
            if (onlyIfNone && latest > 0)
                return (await connection.QuerySingleAsync<RulesRow>(new CommandDefinition(AssessmentSql.LatestRules, null, transaction, cancellationToken: token))).ToRules();
            var stored = new AssessmentRules(latest + 1, rules);
            await connection.ExecuteAsync(new CommandDefinition(AssessmentSql.InsertRules,
                new { version = stored.Version, definition = JsonSerializer.Serialize(rules, Json), at, by }, transaction, cancellationToken: token));
            return stored;
        }, ct);

    public async Task<ClosedPeriod?> ClosedAsync(string period, CancellationToken ct) =>
        (await database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<PeriodRow>(
            new CommandDefinition(AssessmentSql.Period, new { period }, cancellationToken: token)), ct))?.ToPeriod();

    public Task<IReadOnlyList<StoredScore>> ScoresAsync(string period, string parentId, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<StoredScore>>(async (connection, token) =>
            (await connection.QueryAsync<ScoreRow>(new CommandDefinition(AssessmentSql.Scores, new { period, parentId }, cancellationToken: token)))
            .Select(r => new StoredScore(r.UnitId, parentId, r.Score, (int)r.Rank, JsonSerializer.Deserialize<List<Deduction>>(r.Deductions, Json)!)).ToList(), ct);

    /// <summary>Freezes a month's scores; false (and nothing stored) when the month is already closed.</summary>
    public Task<bool> CloseAsync(ClosedPeriod closed, IReadOnlyList<StoredScore> scores, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            if (await connection.QuerySingleOrDefaultAsync<PeriodRow>(
                    new CommandDefinition(AssessmentSql.Period, new { period = closed.Period }, transaction, cancellationToken: token)) is not null)
                return false;
            await connection.ExecuteAsync(new CommandDefinition(AssessmentSql.InsertPeriod,
                new { period = closed.Period, rulesVersion = closed.RulesVersion, at = closed.ClosedAt, by = closed.ClosedBy }, transaction, cancellationToken: token));
            foreach (var s in scores)
                await connection.ExecuteAsync(new CommandDefinition(AssessmentSql.InsertScore,
                    new { period = closed.Period, unitId = s.UnitId, parentId = s.ParentId, score = s.Score, rank = s.Rank,
                        deductions = JsonSerializer.Serialize(s.Deductions, Json) }, transaction, cancellationToken: token));
            return true;
        }, ct);

    /// <summary>Access reviews of the unit's subtree that became overdue in the period.</summary>
    public Task<int> AccessReviewsOverdueAsync(string unitPath, ReportPeriod period, CancellationToken ct)
    {
        var (scopeFrom, scopeTo) = Scope.Range(unitPath);
        return database.ReadAsync(async (connection, token) => (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            AssessmentSql.AccessReviewsOverdue, new { ScopeFrom = scopeFrom, ScopeTo = scopeTo, From = period.Start, To = period.End },
            cancellationToken: token)), ct);
    }

    private sealed class RulesRow
    {
        public long Version { get; init; }
        public string Definition { get; init; } = "";
        public AssessmentRules ToRules() => new((int)Version, JsonSerializer.Deserialize<List<AssessmentRule>>(Definition, Json)!);
    }

    private sealed class PeriodRow
    {
        public string Period { get; init; } = "";
        public long RulesVersion { get; init; }
        public DateTimeOffset ClosedAt { get; init; }
        public string ClosedBy { get; init; } = "";
        public ClosedPeriod ToPeriod() => new(Period, (int)RulesVersion, ClosedAt, ClosedBy);
    }

    private sealed class ScoreRow
    {
        public string UnitId { get; init; } = "";
        public double Score { get; init; }
        public long Rank { get; init; }
        public string Deductions { get; init; } = "";
    }
}
