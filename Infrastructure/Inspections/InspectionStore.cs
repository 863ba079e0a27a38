using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Itsm.Domain.Inspections;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Inspections;

/// <summary>Filters of the run list; every one is optional. Newest first, after <see cref="BeforeId"/>.</summary>
public sealed record RunQuery(string? SystemId = null, long? PlanId = null, RunState? State = null, string? UnitPath = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = 25, long? BeforeId = null);

/// <summary>Runs per system in a period, for reports.</summary>
public sealed record SystemSummary(string SystemId, int Scheduled, int Completed, int Passed, int Failed, int Missed);

/// <summary>Plans (with every version) and runs. Reads filter by the caller's scope in the SQL.</summary>
public sealed class InspectionStore(Database database, SlaStore notifications)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly InspectionSql _sql = new(database.Dialect);

    public Task<long> InsertPlanAsync(InspectionPlan plan, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            var args = PlanArgs(plan);
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.InsertPlan, args, transaction, cancellationToken: token));
            args.Add("Id", id);
            await connection.ExecuteAsync(new CommandDefinition(InspectionSql.InsertPlanVersion, args, transaction, cancellationToken: token));
            return id;
        }, ct);

    /// <summary>Saves the plan as a new version if it is still at <paramref name="expectedVersion"/>; false when stale.</summary>
    public Task<bool> UpdatePlanAsync(InspectionPlan plan, int expectedVersion, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            var args = PlanArgs(plan);
            args.Add("Id", plan.Id);
            args.Add("ExpectedVersion", expectedVersion);
            if (await connection.ExecuteAsync(new CommandDefinition(InspectionSql.UpdatePlan, args, transaction, cancellationToken: token)) != 1) return false;
            await connection.ExecuteAsync(new CommandDefinition(InspectionSql.InsertPlanVersion, args, transaction, cancellationToken: token));
            return true;
        }, ct);

    public Task<InspectionPlan?> GetPlanAsync(long id, Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.ReadAsync(async (connection, token) => (await connection.QuerySingleOrDefaultAsync<PlanRow>(new CommandDefinition(
            InspectionSql.PlanInScope, new { Id = id, ScopeFrom = from, ScopeTo = to }, cancellationToken: token)))?.ToPlan(), ct);
    }

    public async Task<(IReadOnlyList<InspectionPlan> Items, bool More)> ListPlansAsync(Actor actor, int limit, long? beforeId, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        var rows = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<PlanRow>(new CommandDefinition(
            _sql.PlansInScope(beforeId is not null), new { ScopeFrom = from, ScopeTo = to, BeforeId = beforeId, Limit = limit + 1 },
            cancellationToken: token))).Select(r => r.ToPlan()).ToList(), ct);
        return (rows.Take(limit).ToList(), rows.Count > limit);
    }

    public Task<IReadOnlyList<InspectionPlan>> DuePlansAsync(DateTimeOffset now, int batch, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<InspectionPlan>>(async (connection, token) => (await connection.QueryAsync<PlanRow>(new CommandDefinition(
            _sql.DuePlans, new { Now = now, Batch = batch }, cancellationToken: token))).Select(r => r.ToPlan()).ToList(), ct);

    /// <summary>
    /// Creates the run (once per plan and due time) and, when <paramref name="advance"/> says so, moves the plan on to its
    /// next due time, in one transaction: a pass interrupted at any point leaves either both or neither.
    /// </summary>
    public async Task<InspectionRun> CreateRunAsync(InspectionRun run, (DateTimeOffset Previous, DateTimeOffset? Next)? advance, CancellationToken ct)
    {
        try
        {
            return await InsertRunAsync(run, advance, ct);
        }
        catch (System.Data.Common.DbException)
        {
            // Two inserts of the same (plan, due time) at once (run-now pressed twice on SQL Server): the other one made it.
            var existing = await database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
                InspectionSql.RunByDue, new { run.PlanId, run.ScheduledAt }, cancellationToken: token)), ct);
            if (existing is null) throw;
            return existing.ToRun();
        }
    }

    /// <summary>Open runs due by now whose window has not passed (the scheduler probes those a restart left unprobed).</summary>
    public Task<IReadOnlyList<InspectionRun>> OpenRunsAsync(DateTimeOffset now, int batch, CancellationToken ct) =>
        RunsDueByAsync(_sql.OpenRuns, now, batch, ct);

    private Task<InspectionRun> InsertRunAsync(InspectionRun run, (DateTimeOffset Previous, DateTimeOffset? Next)? advance, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(InspectionSql.InsertRun, RunArgs(run), transaction, cancellationToken: token));
            if (advance is { } a)
                await connection.ExecuteAsync(new CommandDefinition(InspectionSql.AdvancePlan,
                    new { Id = run.PlanId, a.Previous, a.Next }, transaction, cancellationToken: token));
            return (await connection.QuerySingleAsync<RunRow>(new CommandDefinition(InspectionSql.RunByDue,
                new { run.PlanId, run.ScheduledAt }, transaction, cancellationToken: token))).ToRun();
        }, ct);

    public Task<InspectionRun?> GetRunAsync(long id, Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.ReadAsync(async (connection, token) => (await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            InspectionSql.RunInScope, new { Id = id, ScopeFrom = from, ScopeTo = to }, cancellationToken: token)))?.ToRun(), ct);
    }

    /// <summary>Saves the run as a new version if it is still at <paramref name="expectedVersion"/>, with its notifications; false when stale.</summary>
    public Task<bool> UpdateRunAsync(InspectionRun run, int expectedVersion, IReadOnlyList<Notification> raised, OutboxEvent? published,
        CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            var args = RunArgs(run);
            args.Add("Id", run.Id);
            args.Add("Version", expectedVersion + 1);
            args.Add("ExpectedVersion", expectedVersion);
            if (await connection.ExecuteAsync(new CommandDefinition(InspectionSql.UpdateRun, args, transaction, cancellationToken: token)) != 1) return false;
            if (run.Items.Any(i => i.Result == ItemResult.Fail))
                await connection.ExecuteAsync(new CommandDefinition(InspectionSql.MarkFindingsDue, new { run.Id }, transaction, cancellationToken: token));
            await notifications.AddNotificationsAsync(connection, transaction, raised, token);
            if (published is not null)
                await connection.ExecuteAsync(new CommandDefinition(OutboxSql.InsertEvent, published, transaction, cancellationToken: token));
            return true;
        }, ct);

    /// <summary>Runs whose failed items may still lack their finding tickets.</summary>
    public Task<IReadOnlyList<long>> FindingsDueAsync(int batch, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<long>>(async (connection, token) => (await connection.QueryAsync<long>(new CommandDefinition(
            _sql.FindingsDue, new { Batch = batch }, cancellationToken: token))).ToList(), ct);

    /// <summary>The findings of this version of the run are open.</summary>
    public Task FindingsOpenedAsync(long runId, int version, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(
            InspectionSql.ClearFindingsDue, new { Id = runId, Version = version }, transaction, cancellationToken: token)), ct);

    public Task<IReadOnlyList<InspectionRun>> OverdueRunsAsync(DateTimeOffset now, int batch, CancellationToken ct) =>
        RunsDueByAsync(_sql.OverdueRuns, now, batch, ct);

    /// <summary>A batch of the runs a scheduler query finds at <paramref name="now"/>.</summary>
    private Task<IReadOnlyList<InspectionRun>> RunsDueByAsync(string sql, DateTimeOffset now, int batch, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<InspectionRun>>(async (connection, token) => (await connection.QueryAsync<RunRow>(new CommandDefinition(
            sql, new { Now = now, Batch = batch }, cancellationToken: token))).Select(r => r.ToRun()).ToList(), ct);

    public async Task<(IReadOnlyList<InspectionRun> Items, bool More)> ListRunsAsync(RunQuery query, Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        var args = new DynamicParameters(new { ScopeFrom = from, ScopeTo = to });
        var filters = RunFilters.None;
        Add(RunFilters.System, "SystemId", query.SystemId);
        Add(RunFilters.Plan, "PlanId", query.PlanId);
        Add(RunFilters.State, "State", query.State?.ToString());
        if (query.UnitPath is { } unitPath)
        {
            var (unitFrom, unitTo) = Scope.Range(unitPath);
            Add(RunFilters.Unit, "UnitFrom", unitFrom);
            args.Add("UnitTo", unitTo);
        }
        Add(RunFilters.From, "From", query.From?.ToUniversalTime());
        Add(RunFilters.To, "To", query.To?.ToUniversalTime());
        Add(RunFilters.Before, "BeforeId", query.BeforeId);
        var rows = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<RunRow>(new CommandDefinition(
            _sql.ListRuns(filters, query.Limit), args, cancellationToken: token))).Select(r => r.ToRun()).ToList(), ct);
        return (rows.Take(query.Limit).ToList(), rows.Count > query.Limit);

        void Add(RunFilters filter, string name, object? value)
        {
            if (value is null) return;
            filters |= filter;
            args.Add(name, value);
        }
    }

    public Task<IReadOnlyList<SystemSummary>> SummaryAsync(string unitPath, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var (scopeFrom, scopeTo) = Scope.Range(unitPath);
        return database.ReadAsync<IReadOnlyList<SystemSummary>>(async (connection, token) => (await connection.QueryAsync<SummaryRow>(
            new CommandDefinition(InspectionSql.Summary, new { ScopeFrom = scopeFrom, ScopeTo = scopeTo, From = from.ToUniversalTime(), To = to.ToUniversalTime() },
                cancellationToken: token))).Select(r => new SystemSummary(r.SystemId, (int)r.Scheduled, (int)r.Completed, (int)r.Passed, (int)r.Failed, (int)r.Missed))
            .ToList(), ct);
    }

    /// <summary>Makes sure the service itself exists as a user, so that it can raise the findings of its probes.</summary>
    public Task EnsureServiceUserAsync(CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) =>
            connection.ExecuteAsync(new CommandDefinition(InspectionSql.EnsureServiceUser, null, transaction, cancellationToken: token)), ct);

    private static DynamicParameters PlanArgs(InspectionPlan plan)
    {
        var d = plan.Definition;
        return new DynamicParameters(new
        {
            UnitId = d.Unit, plan.UnitPath, SystemId = d.System, GroupId = d.Group, d.Name, plan.Active, plan.Version,
            Definition = JsonSerializer.Serialize(d, Json), plan.NextRunAt, plan.CreatedAt, plan.CreatedBy, plan.UpdatedAt, plan.UpdatedBy,
        });
    }

    private static DynamicParameters RunArgs(InspectionRun run) => new(new
    {
        run.PlanId, run.PlanVersion, run.PlanName, run.UnitId, run.UnitPath, run.SystemId, run.GroupId, run.ScheduledAt, run.Deadline,
        State = run.State.ToString(), run.StartedAt, run.StartedBy, run.EndedAt, run.EndedBy, Items = JsonSerializer.Serialize(run.Items, Json),
    });

    private sealed class SummaryRow
    {
        public string SystemId { get; init; } = "";
        public long Scheduled { get; init; }
        public long Completed { get; init; }
        public long Passed { get; init; }
        public long Failed { get; init; }
        public long Missed { get; init; }
    }

    private sealed class PlanRow
    {
        public long Id { get; init; }
        public string UnitId { get; init; } = "";
        public string UnitPath { get; init; } = "";
        public int Version { get; init; }
        public bool Active { get; init; }
        public string Definition { get; init; } = "";
        public DateTimeOffset? NextRunAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public string CreatedBy { get; init; } = "";
        public DateTimeOffset UpdatedAt { get; init; }
        public string UpdatedBy { get; init; } = "";

        public InspectionPlan ToPlan() => new(Id, UnitPath, Version, Active, JsonSerializer.Deserialize<PlanDefinition>(Definition, Json)!,
            NextRunAt, CreatedAt, CreatedBy, UpdatedAt, UpdatedBy);
    }

    private sealed class RunRow
    {
        public long Id { get; init; }
        public long PlanId { get; init; }
        public int PlanVersion { get; init; }
        public string PlanName { get; init; } = "";
        public string UnitId { get; init; } = "";
        public string UnitPath { get; init; } = "";
        public string SystemId { get; init; } = "";
        public string GroupId { get; init; } = "";
        public DateTimeOffset ScheduledAt { get; init; }
        public DateTimeOffset Deadline { get; init; }
        public string State { get; init; } = "";
        public DateTimeOffset? StartedAt { get; init; }
        public string? StartedBy { get; init; }
        public DateTimeOffset? EndedAt { get; init; }
        public string? EndedBy { get; init; }
        public string Items { get; init; } = "[]";
        public int Version { get; init; }

        public InspectionRun ToRun() => InspectionRun.Restore(new InspectionRun
            {
                Id = Id, PlanId = PlanId, PlanVersion = PlanVersion, PlanName = PlanName, UnitId = UnitId, UnitPath = UnitPath, SystemId = SystemId,
                GroupId = GroupId, ScheduledAt = ScheduledAt, Deadline = Deadline, Version = Version,
                Items = JsonSerializer.Deserialize<List<RunItem>>(Items, Json)!,
            },
            // An unknown stored state reads as final: nothing more may happen to it.
            Enum.TryParse<RunState>(State, out var state) ? state : RunState.Missed, StartedAt, StartedBy, EndedAt, EndedBy);
    }
}
