using Itsm.Domain.Organisation;

namespace Itsm.Domain.Inspections;

/// <summary>What an automatic probe observed.</summary>
public sealed record ProbeOutcome(int? Status, long? LatencyMs, string? Error);

/// <summary>One item of a run: the plan's item as it was when the run was created, and what was found.</summary>
public sealed record RunItem(InspectionItem Item)
{
    public ItemResult? Result { get; init; }
    public string? Observation { get; init; }
    public string? RecordedBy { get; init; }
    public DateTimeOffset? RecordedAt { get; init; }
    public ProbeOutcome? Probe { get; init; }
}

/// <summary>One result as recorded by a person or a probe.</summary>
public sealed record ItemRecord(string Code, ItemResult Result, string? Observation, ProbeOutcome? Probe = null);

/// <summary>
/// One inspection run of a plan at its scheduled time. Every change goes through <see cref="InspectionRunWorkflow"/>;
/// each item keeps who recorded it and when; a finished run changes no more.
/// </summary>
public sealed class InspectionRun
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
    public RunState State { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public string? StartedBy { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public string? EndedBy { get; private set; }
    public int Version { get; set; } = 1;
    public List<RunItem> Items { get; init; } = [];

    /// <summary>A new run of <paramref name="plan"/> due at <paramref name="at"/>.</summary>
    public static InspectionRun Schedule(InspectionPlan plan, string unitId, DateTimeOffset at) => new()
    {
        PlanId = plan.Id, PlanVersion = plan.Version, PlanName = plan.Definition.Name, UnitId = unitId, UnitPath = plan.UnitPath,
        SystemId = plan.Definition.System, GroupId = plan.Definition.Group, ScheduledAt = at,
        Deadline = at.AddMinutes(plan.Definition.WindowMinutes), State = RunState.Scheduled,
        Items = plan.Definition.Items.Select(i => new RunItem(i)).ToList(),
    };

    /// <summary>Restores a stored run.</summary>
    public static InspectionRun Restore(InspectionRun stored, RunState state, DateTimeOffset? startedAt, string? startedBy,
        DateTimeOffset? endedAt, string? endedBy)
    {
        (stored.State, stored.StartedAt, stored.StartedBy, stored.EndedAt, stored.EndedBy) = (state, startedAt, startedBy, endedAt, endedBy);
        return stored;
    }

    public bool IsFinal => State is RunState.Passed or RunState.Failed or RunState.Missed;

    public IReadOnlyList<RunAction> AllowedActions(Actor actor, DateTimeOffset now) => InspectionRunWorkflow.AllowedActions(this, actor, now);

    public RunError? Start(Actor by, DateTimeOffset now) =>
        Perform(RunAction.Start, by, now, () => (StartedAt, StartedBy) = (now, by.UserId));

    /// <summary>Saves some results (a partial save is allowed); an unknown code refuses them all.</summary>
    public RunError? Record(Actor by, DateTimeOffset now, IReadOnlyList<ItemRecord> records)
    {
        var (_, error) = InspectionRunWorkflow.Decide(this, RunAction.Record, by, now);
        if (error is not null) return error;
        for (var i = 0; i < records.Count; i++)
        {
            var item = Items.Find(item => item.Item.Code == records[i].Code);
            if (item is null)
                return new RunError(RunErrorKind.Invalid, $"The run has no item '{records[i].Code}'.", $"items[{i}].code");
            // What a probe observed, and a failure that has opened its finding, are the record: nobody writes over them.
            if (item.Item.IsAutomatic && by.UserId != Actor.System.UserId)
                return new RunError(RunErrorKind.Invalid, $"Item '{item.Item.Code}' is checked by the service's own probe.", $"items[{i}].code");
            if (item.Result == ItemResult.Fail && records[i].Result != ItemResult.Fail)
                return new RunError(RunErrorKind.Conflict,
                    $"Item '{item.Item.Code}' was recorded as failed and opened a finding ticket: resolve that ticket instead.");
        }
        foreach (var record in records)
        {
            var index = Items.FindIndex(item => item.Item.Code == record.Code);
            Items[index] = Items[index] with
            {
                Result = record.Result, Observation = record.Observation, RecordedBy = by.UserId, RecordedAt = now, Probe = record.Probe,
            };
        }
        return null;
    }

    public RunError? Complete(Actor by, DateTimeOffset now) =>
        Perform(RunAction.Complete, by, now, () => (EndedAt, EndedBy) = (now, by.UserId));

    public RunError? Miss(DateTimeOffset now) =>
        Perform(RunAction.Miss, Actor.System, now, () => (EndedAt, EndedBy) = (now, Actor.System.UserId));

    private RunError? Perform(RunAction action, Actor by, DateTimeOffset now, Action apply)
    {
        var (transition, error) = InspectionRunWorkflow.Decide(this, action, by, now);
        if (error is not null) return error;
        apply();
        if (transition!.To is { } to) State = to;
        return null;
    }
}
