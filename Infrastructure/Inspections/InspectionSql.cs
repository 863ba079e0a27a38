using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Inspections;

/// <summary>Which filters a run list uses (each adds one condition).</summary>
[Flags]
public enum RunFilters
{
    None = 0,
    System = 1,
    Plan = 2,
    State = 4,
    Unit = 8,
    From = 16,
    To = 32,
    Before = 64,
}

/// <summary>Every statement of the inspection store and scheduler, for one dialect.</summary>
public sealed class InspectionSql(SqlDialect dialect)
{
    private const string PlanColumns = "Id, UnitId, UnitPath, Version, Active, Definition, NextRunAt, CreatedAt, CreatedBy, UpdatedAt, UpdatedBy";
    private const string RunColumns = """
        Id, PlanId, PlanVersion, PlanName, UnitId, UnitPath, SystemId, GroupId, ScheduledAt, Deadline, State, StartedAt, StartedBy,
        EndedAt, EndedBy, Items, Version
        """;

    public string InsertPlan { get; } = dialect.InsertReturningId("InspectionPlans",
        "UnitId, UnitPath, SystemId, GroupId, Name, Active, Version, Definition, NextRunAt, CreatedAt, CreatedBy, UpdatedAt, UpdatedBy",
        "@UnitId, @UnitPath, @SystemId, @GroupId, @Name, @Active, @Version, @Definition, @NextRunAt, @CreatedAt, @CreatedBy, @UpdatedAt, @UpdatedBy");

    public const string InsertPlanVersion = """
        INSERT INTO InspectionPlanVersions (PlanId, Version, Definition, CreatedAt, CreatedBy) VALUES (@Id, @Version, @Definition, @UpdatedAt, @UpdatedBy)
        """;

    public const string UpdatePlan = """
        UPDATE InspectionPlans SET UnitId = @UnitId, UnitPath = @UnitPath, SystemId = @SystemId, GroupId = @GroupId, Name = @Name,
            Active = @Active, Version = @Version, Definition = @Definition, NextRunAt = @NextRunAt, UpdatedAt = @UpdatedAt, UpdatedBy = @UpdatedBy
        WHERE Id = @Id AND Version = @ExpectedVersion
        """;

    public const string PlanInScope = $"SELECT {PlanColumns} FROM InspectionPlans WHERE Id = @Id AND UnitPath >= @ScopeFrom AND UnitPath < @ScopeTo";

    public const string PlanById = $"SELECT {PlanColumns} FROM InspectionPlans WHERE Id = @Id";

    public string PlansInScope(bool before) => dialect.Limit(
        $"SELECT {PlanColumns} FROM InspectionPlans WHERE UnitPath >= @ScopeFrom AND UnitPath < @ScopeTo" + (before ? " AND Id < @BeforeId" : "") +
        " ORDER BY Id DESC", "@Limit");

    /// <summary>Active plans whose next run is due, earliest first (served by the filtered NextRunAt index).</summary>
    public string DuePlans { get; } = dialect.Limit(
        $"SELECT {PlanColumns} FROM InspectionPlans WHERE NextRunAt IS NOT NULL AND NextRunAt <= @Now ORDER BY NextRunAt", "@Batch");

    /// <summary>Moves the plan on to its next run, unless someone else already did.</summary>
    public const string AdvancePlan = "UPDATE InspectionPlans SET NextRunAt = @Next WHERE Id = @Id AND NextRunAt = @Previous";

    /// <summary>A run per plan and due time: a second insert of the same one does nothing (the unique key backs it).</summary>
    public const string InsertRun = """
        INSERT INTO InspectionRuns (PlanId, PlanVersion, PlanName, UnitId, UnitPath, SystemId, GroupId, ScheduledAt, Deadline, State, Items, Version)
        SELECT @PlanId, @PlanVersion, @PlanName, @UnitId, @UnitPath, @SystemId, @GroupId, @ScheduledAt, @Deadline, @State, @Items, 1
        WHERE NOT EXISTS (SELECT 1 FROM InspectionRuns WHERE PlanId = @PlanId AND ScheduledAt = @ScheduledAt)
        """;

    public const string RunByDue = $"SELECT {RunColumns} FROM InspectionRuns WHERE PlanId = @PlanId AND ScheduledAt = @ScheduledAt";

    public const string RunInScope = $"SELECT {RunColumns} FROM InspectionRuns WHERE Id = @Id AND UnitPath >= @ScopeFrom AND UnitPath < @ScopeTo";

    public const string UpdateRun = """
        UPDATE InspectionRuns SET State = @State, StartedAt = @StartedAt, StartedBy = @StartedBy, EndedAt = @EndedAt, EndedBy = @EndedBy,
            Items = @Items, Version = @Version
        WHERE Id = @Id AND Version = @ExpectedVersion
        """;

    /// <summary>Open runs whose window has passed (served by the filtered open-runs index).</summary>
    public string OverdueRuns { get; } = dialect.Limit(
        $"SELECT {RunColumns} FROM InspectionRuns WHERE State IN ('Scheduled', 'InProgress') AND Deadline <= @Now ORDER BY Deadline", "@Batch");

    /// <summary>Marks, in the run's own save, that its failed items owe finding tickets.</summary>
    public const string MarkFindingsDue = "UPDATE InspectionRuns SET FindingsDue = 1 WHERE Id = @Id";

    /// <summary>The findings of this version of the run exist (a later save that marked them again keeps its mark).</summary>
    public const string ClearFindingsDue = "UPDATE InspectionRuns SET FindingsDue = 0 WHERE Id = @Id AND Version = @Version";

    public string FindingsDue { get; } = dialect.Limit("SELECT Id FROM InspectionRuns WHERE FindingsDue = 1 ORDER BY Id", "@Batch");

    /// <summary>Open runs already due whose window is still open, soonest deadline first.</summary>
    public string OpenRuns { get; } = dialect.Limit(
        $"SELECT {RunColumns} FROM InspectionRuns WHERE State IN ('Scheduled', 'InProgress') AND Deadline > @Now AND ScheduledAt <= @Now ORDER BY Deadline", "@Batch");

    public string ListRuns(RunFilters filters, int limit)
    {
        // SQLite would take the scope index for the path range and sort every run in scope for one page; a unary plus keeps
        // the path a filter, so the page walks the system index or the primary key backwards and stops after the page.
        var path = dialect.Provider == DatabaseProvider.Sqlite ? "+UnitPath" : "UnitPath";
        var where = new List<string> { $"{path} >= @ScopeFrom", $"{path} < @ScopeTo" };
        if (filters.HasFlag(RunFilters.System)) where.Add("SystemId = @SystemId");
        if (filters.HasFlag(RunFilters.Plan)) where.Add("PlanId = @PlanId");
        if (filters.HasFlag(RunFilters.State)) where.Add("State = @State");
        if (filters.HasFlag(RunFilters.Unit)) where.Add($"{path} >= @UnitFrom AND {path} < @UnitTo");
        if (filters.HasFlag(RunFilters.From)) where.Add("ScheduledAt >= @From");
        if (filters.HasFlag(RunFilters.To)) where.Add("ScheduledAt < @To");
        if (filters.HasFlag(RunFilters.Before)) where.Add("Id < @BeforeId");
        // The limit is a trusted integer (one more than the page, to tell whether more follow).
        return dialect.Limit($"SELECT {RunColumns} FROM InspectionRuns WHERE {string.Join(" AND ", where)} ORDER BY Id DESC", (limit + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public const string Summary = """
        SELECT SystemId, COUNT(*) AS Scheduled,
            SUM(CASE WHEN State IN ('Passed', 'Failed') THEN 1 ELSE 0 END) AS Completed,
            SUM(CASE WHEN State = 'Passed' THEN 1 ELSE 0 END) AS Passed,
            SUM(CASE WHEN State = 'Failed' THEN 1 ELSE 0 END) AS Failed,
            SUM(CASE WHEN State = 'Missed' THEN 1 ELSE 0 END) AS Missed
        FROM InspectionRuns
        WHERE UnitPath >= @ScopeFrom AND UnitPath < @ScopeTo AND ScheduledAt >= @From AND ScheduledAt < @To
        GROUP BY SystemId ORDER BY SystemId
        """;

    /// <summary>The service itself as a user (the requester of the findings its probes open), under headquarters.</summary>
    public const string EnsureServiceUser = """
        INSERT INTO Users (Id, Name, UnitId, Kind, Roles)
        SELECT 'system', 'Itsm (the service itself)', Id, 'Integration', '' FROM Units
        WHERE ParentId IS NULL AND NOT EXISTS (SELECT 1 FROM Users WHERE Id = 'system')
        """;

    public IEnumerable<string> All()
    {
        yield return InsertPlan;
        yield return InsertPlanVersion;
        yield return UpdatePlan;
        yield return PlanInScope;
        yield return PlanById;
        yield return PlansInScope(false);
        yield return PlansInScope(true);
        yield return DuePlans;
        yield return AdvancePlan;
        yield return InsertRun;
        yield return RunByDue;
        yield return RunInScope;
        yield return UpdateRun;
        yield return OverdueRuns;
        yield return OpenRuns;
        yield return MarkFindingsDue;
        yield return ClearFindingsDue;
        yield return FindingsDue;
        yield return ListRuns(Enum.GetValues<RunFilters>().Aggregate((a, b) => a | b), 25);
        yield return ListRuns(RunFilters.None, 25);
        yield return Summary;
        yield return EnsureServiceUser;
    }
}
