using Itsm.Domain.Organisation;
using static Itsm.Domain.Inspections.RunAction;
using static Itsm.Domain.Inspections.RunState;
using static Itsm.Domain.Organisation.Role;

namespace Itsm.Domain.Inspections;

/// <summary>The states of an inspection run; Passed, Failed and Missed are final (the record is immutable).</summary>
public enum RunState
{
    Scheduled,
    InProgress,
    Passed,
    Failed,
    Missed,
}

public enum RunAction
{
    Start,
    Record,
    Complete,
    Miss,
}

/// <summary>Why a run action was refused: 403 for the caller, 409 for the run's state, 422 for the request's content.</summary>
public enum RunErrorKind { Forbidden, NotAllowedInState, Conflict, Invalid }

public sealed record RunError(RunErrorKind Kind, string Detail, string? Field = null);

/// <summary>What a run guard needs to decide.</summary>
public sealed record RunGuardContext(InspectionRun Run, Actor Actor, DateTimeOffset Now);

/// <summary>A named condition on a run transition: an actor guard refuses the caller (403), a run guard the moment (409).</summary>
public sealed record RunGuard(string Name, bool OnActor, string Description, Func<RunGuardContext, bool> Holds);

/// <summary>In <paramref name="From"/>, <paramref name="By"/> may take <paramref name="Action"/> to <paramref name="To"/> (null: stays) when every guard holds.</summary>
public sealed record RunTransition(RunState From, RunAction Action, RunState? To, Role By, IReadOnlyList<RunGuard> Guards);

/// <summary>The inspection run's life as one table (Scheduled → InProgress → Passed | Failed, or Missed when the window passes).</summary>
public static class InspectionRunWorkflow
{
    public static readonly RunGuard GroupMember = new("groupMember", true,
        "the caller is an engineer of the plan's group", c => c.Actor.GroupIds.Contains(c.Run.GroupId));

    public static readonly RunGuard AllRecorded = new("allRecorded", false,
        "every item has a result", c => c.Run.Items.All(i => i.Result is not null));

    public static readonly RunGuard NoneFailed = new("noneFailed", false,
        "no item failed", c => c.Run.Items.All(i => i.Result != ItemResult.Fail));

    public static readonly RunGuard SomeFailed = new("someFailed", false,
        "an item failed", c => c.Run.Items.Any(i => i.Result == ItemResult.Fail));

    public static readonly RunGuard WithinWindow = new("withinWindow", false,
        "the run's window has not passed (after it, the run is missed)", c => c.Now < c.Run.Deadline);

    public static readonly RunGuard WindowPassed = new("windowPassed", false,
        "the run's window has passed", c => c.Now >= c.Run.Deadline);

    public static IReadOnlyList<RunTransition> Table { get; } =
    [
        //  from         action    to           by             guards
        new(Scheduled,  Start,    InProgress,  Engineer,      [GroupMember, WithinWindow]),
        new(InProgress, Record,   null,        Engineer,      [GroupMember, WithinWindow]),
        new(InProgress, Complete, Passed,      Engineer,      [GroupMember, WithinWindow, AllRecorded, NoneFailed]),
        new(InProgress, Complete, Failed,      Engineer,      [GroupMember, WithinWindow, AllRecorded, SomeFailed]),
        // The service's own probes record their results at the run's time, before or after someone started it.
        new(Scheduled,  Record,   null,        Role.System,   []),
        new(InProgress, Record,   null,        Role.System,   []),
        new(Scheduled,  Start,    InProgress,  Role.System,   []),
        new(InProgress, Complete, Passed,      Role.System,   [AllRecorded, NoneFailed]),
        new(InProgress, Complete, Failed,      Role.System,   [AllRecorded, SomeFailed]),
        new(Scheduled,  Miss,     Missed,      Role.System,   [WindowPassed]),
        new(InProgress, Miss,     Missed,      Role.System,   [WindowPassed]),
    ];

    /// <summary>The actions this caller may take on this run now.</summary>
    public static IReadOnlyList<RunAction> AllowedActions(InspectionRun run, Actor actor, DateTimeOffset now)
    {
        var context = new RunGuardContext(run, actor, now);
        return Table.Where(t => t.From == run.State && actor.Has(t.By) && t.Guards.All(g => g.Holds(context)))
            .Select(t => t.Action).Distinct().ToList();
    }

    /// <summary>The row that lets this caller take this action now, or precisely why none does.</summary>
    public static (RunTransition? Transition, RunError? Error) Decide(InspectionRun run, RunAction action, Actor actor, DateTimeOffset now)
    {
        var rows = Table.Where(t => t.Action == action && actor.Has(t.By)).ToList();
        if (rows.Count == 0)
            return (null, new RunError(RunErrorKind.Forbidden, $"Only engineers of the plan's group may {Name(action)} an inspection run."));
        var here = rows.Where(t => t.From == run.State).ToList();
        if (here.Count == 0)
            return (null, new RunError(RunErrorKind.NotAllowedInState,
                run.State is Passed or Failed or Missed
                    ? $"The run is {run.State}: its record is final."
                    : $"A run in {run.State} does not allow '{Name(action)}'."));
        var context = new RunGuardContext(run, actor, now);
        if (here.FirstOrDefault(t => t.Guards.All(g => g.Holds(context))) is { } granted) return (granted, null);
        var failed = here.SelectMany(t => t.Guards.Where(g => !g.Holds(context))).First();
        if (failed.OnActor) return (null, new RunError(RunErrorKind.Forbidden, $"You may not {Name(action)} this run: requires that {failed.Description}."));
        // Complete has two rows (Passed/Failed) with opposite guards: the one that matters is "every item has a result".
        var missing = here.SelectMany(t => t.Guards).FirstOrDefault(g => !g.Holds(context) && g == AllRecorded) ?? failed;
        return (null, new RunError(RunErrorKind.Conflict, $"Cannot {Name(action)}: requires that {missing.Description}."));
    }

    /// <summary>The action's name in the API (its route: <c>POST /inspection-runs/{id}/results</c> records results).</summary>
    public static string Name(RunAction action) => action switch
    {
        Record => "results",
        _ => action.ToString().ToLowerInvariant(),
    };
}
