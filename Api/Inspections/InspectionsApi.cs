using System.Security.Claims;
using System.Text.RegularExpressions;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Api.Tickets;
using Itsm.Domain.Inspections;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Inspections;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.Inspections;

/// <summary>
/// Daily application inspection (Art. 12): plans (the unit's IT managers write them; everyone in scope reads them) and
/// their runs, which engineers of the plan's group perform and the service probes.
/// </summary>
public static partial class InspectionsApi
{
    public const int MaxItems = 50;

    public static RouteGroupBuilder MapInspections(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/inspection-plans").WithTags("Inspections");
        plans.MapGet("/", ListPlans).WithName("ListInspectionPlans").WithSummary("Inspection plans in the caller's scope, newest first")
            .Produces<PlanPage>().ProducesValidationProblem();
        plans.MapPost("/", CreatePlan).WithName("CreateInspectionPlan").Allow(Policies.ItManager)
            .WithSummary("Create an inspection plan: system, unit, group, schedule, window and checklist items (IT managers of the unit)")
            .WithDescription("Targets of Http/Tcp items must be hosts or networks listed in `Inspections:AllowedTargets`. Returns the plan with its `ETag`.")
            .Produces<PlanResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(403).ProducesProblem(422);
        plans.MapGet("/{id:long}", GetPlan).WithName("GetInspectionPlan").WithSummary("One inspection plan")
            .Produces<PlanResponse>().ProducesProblem(404);
        plans.MapPut("/{id:long}", PutPlan).WithName("PutInspectionPlan").Allow(Policies.ItManager)
            .WithSummary("Replace a plan as its next version (If-Match); runs keep the version they were created under")
            .Produces<PlanResponse>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(412)
            .ProducesProblem(422).ProducesProblem(428);
        plans.MapPost("/{id:long}/deactivate", Deactivate).WithName("DeactivateInspectionPlan").Allow(Policies.ItManager)
            .WithSummary("Stop scheduling runs of the plan (If-Match)")
            .Produces<PlanResponse>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(428);
        plans.MapPost("/{id:long}/run-now", RunNow).WithName("RunInspectionPlanNow").Allow(Policies.ItManager)
            .WithSummary("Create a run of the plan now and probe its automatic items at once (IT managers)")
            .Produces<RunResponse>(StatusCodes.Status201Created).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        var runs = api.MapGroup("/inspection-runs").WithTags("Inspections");
        runs.MapGet("/", ListRuns).WithName("ListInspectionRuns")
            .WithSummary("Inspection runs in the caller's scope, newest first, with filters and keyset paging")
            .WithDescription("`from`/`to` bound the scheduled time; `limit` 1–200 (default 25); pass `nextCursor` as `cursor` for the next page.")
            .Produces<RunPage>().ProducesValidationProblem().ProducesProblem(422);
        runs.MapGet("/summary", Summary).WithName("GetInspectionSummary")
            .WithSummary("Per system: runs scheduled, completed, passed, failed, missed; completion and pass rates (for reports)")
            .Produces<InspectionSummary>().ProducesValidationProblem().ProducesProblem(422);
        runs.MapGet("/{id:long}", GetRun).WithName("GetInspectionRun").WithSummary("One run with every item's result and finding ticket")
            .Produces<RunResponse>().ProducesProblem(404);
        runs.MapPost("/{id:long}/start", Start).WithName("StartInspectionRun").WithSummary("Start the run (engineers of the plan's group)")
            .Produces<RunResponse>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        runs.MapPost("/{id:long}/results", Results).WithName("RecordInspectionResults")
            .WithSummary("Record results of some or all items while the run is in progress; a failed item opens one finding ticket")
            .Produces<RunResponse>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        runs.MapPost("/{id:long}/complete", Complete).WithName("CompleteInspectionRun")
            .WithSummary("Complete the run once every item has a result: Passed, or Failed if any item failed")
            .Produces<RunResponse>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    public static async Task<IResult> ListPlans(ClaimsPrincipal user, InspectionStore store, int? limit, string? cursor, CancellationToken ct)
    {
        var (size, before, problem) = Paging.Parse(limit, cursor);
        if (problem is not null) return problem;
        var (items, more) = await store.ListPlansAsync(user.Actor(), size, before, ct);
        return TypedResults.Ok(new PlanPage(items.Select(PlanResponse.From).ToList(), more ? Cursor.Encode(items[^1].Id) : null));
    }

    public static async Task<IResult> GetPlan(long id, ClaimsPrincipal user, HttpResponse response, InspectionStore store, CancellationToken ct)
    {
        if (await store.GetPlanAsync(id, user.Actor(), ct) is not { } plan) return PlanNotFound(id);
        response.Headers.ETag = ETag(plan.Version);
        return TypedResults.Ok(PlanResponse.From(plan));
    }

    public static async Task<IResult> CreatePlan(PlanRequest body, ClaimsPrincipal user, HttpResponse response, InspectionStore store,
        OrganisationStore organisation, SlaEngine engine, InspectionTargets targets, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        var (definition, unitPath, problem) = await CheckAsync(body, actor, organisation, engine, targets, ct);
        if (problem is not null) return problem;
        var now = clock.GetUtcNow();
        var next = definition!.Schedule.NextAfter(now, (await engine.CalendarsAsync(ct))[definition.Schedule.Calendar]);
        var plan = new InspectionPlan(0, unitPath!, 1, true, definition, next, now, actor.UserId, now, actor.UserId);
        plan = plan with { Id = await store.InsertPlanAsync(plan, ct) };
        response.Headers.ETag = ETag(plan.Version);
        return TypedResults.Created($"/api/v1/inspection-plans/{plan.Id}", PlanResponse.From(plan));
    }

    public static async Task<IResult> PutPlan(long id, PlanRequest body, ClaimsPrincipal user, HttpRequest request, HttpResponse response,
        InspectionStore store, OrganisationStore organisation, SlaEngine engine, InspectionTargets targets, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        return await ChangePlanAsync(id, actor, request, response, store, async plan =>
        {
            var (definition, unitPath, problem) = await CheckAsync(body, actor, organisation, engine, targets, ct);
            if (problem is not null) return (null, problem);
            var now = clock.GetUtcNow();
            var next = plan.Active ? definition!.Schedule.NextAfter(now, (await engine.CalendarsAsync(ct))[definition.Schedule.Calendar]) : null;
            return (plan with { UnitPath = unitPath!, Definition = definition!, NextRunAt = next, UpdatedAt = now, UpdatedBy = actor.UserId }, null);
        }, ct);
    }

    public static async Task<IResult> Deactivate(long id, ClaimsPrincipal user, HttpRequest request, HttpResponse response,
        InspectionStore store, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        return await ChangePlanAsync(id, actor, request, response, store, plan => Task.FromResult<(InspectionPlan?, IResult?)>(plan.Active
            ? (plan with { Active = false, NextRunAt = null, UpdatedAt = clock.GetUtcNow(), UpdatedBy = actor.UserId }, null)
            : (null, ProblemResults.Problem(409, "plan-inactive", "The plan is inactive", $"Inspection plan {id} is already inactive."))), ct);
    }

    /// <summary>
    /// If-Match, the plan in the caller's scope, the change (or the problem refusing it), then the plan saved as its next
    /// version unless someone saved one meanwhile (412 with the current ETag).
    /// </summary>
    private static async Task<IResult> ChangePlanAsync(long id, Actor actor, HttpRequest request, HttpResponse response, InspectionStore store,
        Func<InspectionPlan, Task<(InspectionPlan? Changed, IResult? Problem)>> change, CancellationToken ct)
    {
        var (condition, precondition) = Concurrency.ExpectedVersion(request);
        if (precondition is not null) return precondition;
        if (await store.GetPlanAsync(id, actor, ct) is not { } plan) return PlanNotFound(id);
        if (!condition!.Matches(plan.Version)) return Stale(response, plan);
        var (made, problem) = await change(plan);
        if (problem is not null) return problem;
        var changed = made! with { Version = plan.Version + 1 };
        if (!await store.UpdatePlanAsync(changed, plan.Version, ct))
            return Stale(response, await store.GetPlanAsync(id, actor, ct) ?? plan);
        response.Headers.ETag = ETag(changed.Version);
        return TypedResults.Ok(PlanResponse.From(changed));
    }

    public static async Task<IResult> RunNow(long id, ClaimsPrincipal user, InspectionStore store, InspectionScheduler scheduler,
        TicketStore tickets, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await store.GetPlanAsync(id, actor, ct) is not { } plan) return PlanNotFound(id);
        if (!plan.Active) return ProblemResults.Problem(409, "plan-inactive", "The plan is inactive", $"Inspection plan {id} is inactive.");
        // Whole seconds: two presses within one second make one run (the unique due time).
        var now = clock.GetUtcNow();
        var at = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var run = await store.CreateRunAsync(InspectionRun.Schedule(plan, plan.Definition.Unit, at), null, ct);
        await scheduler.ProbeAsync(run.Id, ct);
        run = await store.GetRunAsync(run.Id, actor, ct) ?? run;
        return TypedResults.Created($"/api/v1/inspection-runs/{run.Id}",
            RunResponse.From(run, await tickets.FindingsOfRunAsync(run.Id, ct), actor, clock.GetUtcNow()));
    }

    public static async Task<IResult> ListRuns(ClaimsPrincipal user, InspectionStore store, OrganisationStore organisation, TicketStore tickets,
        TimeProvider clock, string? system, long? plan, RunState? state, string? unit, DateTimeOffset? from, DateTimeOffset? to, int? limit,
        string? cursor, CancellationToken ct)
    {
        var actor = user.Actor();
        var (size, before, problem) = Paging.Parse(limit, cursor);
        if (problem is not null) return problem;
        string? unitPath = null;
        if (unit is not null)
        {
            if (await organisation.FindUnitAsync(unit, ct) is not { } found || !actor.CanSee(found.Path))
                return ProblemResults.Unprocessable("unit", $"Unit '{unit}' does not exist or is outside your scope.");
            unitPath = found.Path;
        }
        var (items, more) = await store.ListRunsAsync(new RunQuery(system, plan, state, unitPath, from, to, size, before), actor, ct);
        var now = clock.GetUtcNow();
        var page = new List<RunResponse>();
        foreach (var run in items) page.Add(RunResponse.From(run, await tickets.FindingsOfRunAsync(run.Id, ct), actor, now));
        return TypedResults.Ok(new RunPage(page, more ? Cursor.Encode(items[^1].Id) : null));
    }

    public static async Task<IResult> Summary(ClaimsPrincipal user, InspectionStore store, OrganisationStore organisation, TimeProvider clock,
        string? unit, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var actor = user.Actor();
        var scope = actor.UnitPath;
        var unitId = actor.UnitId;
        if (unit is not null)
        {
            if (await organisation.FindUnitAsync(unit, ct) is not { } found || !actor.CanSee(found.Path))
                return ProblemResults.Unprocessable("unit", $"Unit '{unit}' does not exist or is outside your scope.");
            (scope, unitId) = (found.Path, found.Id);
        }
        var end = to ?? clock.GetUtcNow();
        // A range needs room for its default 30 days before `to` (and sane instants: years 2000–9999).
        if (end.Year < 2000) return ProblemResults.Invalid("to", "to must be in the year 2000 or later.");
        if (from is { Year: < 2000 }) return ProblemResults.Invalid("from", "from must be in the year 2000 or later.");
        var start = from ?? end.AddDays(-30);
        if (start >= end) return ProblemResults.Invalid("from", "from must be before to.");
        var rows = await store.SummaryAsync(scope, start, end, ct);
        return TypedResults.Ok(new InspectionSummary(unitId, start, end, rows.Select(r => new SystemSummaryResponse(r.SystemId, r.Scheduled, r.Completed,
            r.Passed, r.Failed, r.Missed, Rate(r.Completed, r.Scheduled), Rate(r.Passed, r.Completed))).ToList()));
    }

    public static async Task<IResult> GetRun(long id, ClaimsPrincipal user, InspectionStore store, TicketStore tickets, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await store.GetRunAsync(id, actor, ct) is not { } run) return RunNotFound(id);
        return TypedResults.Ok(RunResponse.From(run, await tickets.FindingsOfRunAsync(id, ct), actor, clock.GetUtcNow()));
    }

    public static Task<IResult> Start(long id, ClaimsPrincipal user, InspectionRuns runs, TicketStore tickets, TimeProvider clock, CancellationToken ct) =>
        Change(id, user.Actor(), runs, tickets, clock, (run, actor, now) => run.Start(actor, now), ct);

    public static Task<IResult> Results(long id, ResultsRequest body, ClaimsPrincipal user, InspectionRuns runs, TicketStore tickets, TimeProvider clock,
        CancellationToken ct)
    {
        // Codes differing only in case are one code (SQL Server compares them case-insensitively, and people read them so).
        var duplicate = body.Items.GroupBy(i => i.Code, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            return Task.FromResult<IResult>(ProblemResults.Invalid("items", $"item '{duplicate.Key}' is listed twice."));
        var records = body.Items.Select(i => new ItemRecord(i.Code, i.Result!.Value, i.Observation)).ToList();
        return Change(id, user.Actor(), runs, tickets, clock, (run, actor, now) => run.Record(actor, now, records), ct);
    }

    public static Task<IResult> Complete(long id, ClaimsPrincipal user, InspectionRuns runs, TicketStore tickets, TimeProvider clock, CancellationToken ct) =>
        Change(id, user.Actor(), runs, tickets, clock, (run, actor, now) => run.Complete(actor, now), ct);

    private static async Task<IResult> Change(long id, Actor actor, InspectionRuns runs, TicketStore tickets, TimeProvider clock,
        Func<InspectionRun, Actor, DateTimeOffset, RunError?> decide, CancellationToken ct)
    {
        var change = await runs.ChangeAsync(id, actor, (run, now) => decide(run, actor, now), ct);
        return change.Result switch
        {
            RunChangeResult.NotFound => RunNotFound(id),
            RunChangeResult.Refused => From(change.Error!),
            _ => TypedResults.Ok(RunResponse.From(change.Run!, await tickets.FindingsOfRunAsync(id, ct), actor, clock.GetUtcNow())),
        };
    }

    /// <summary>Shape first (400 naming the field), then what the plan names (422 naming the field).</summary>
    private static async Task<(PlanDefinition? Definition, string? UnitPath, IResult? Problem)> CheckAsync(PlanRequest body, Actor actor,
        OrganisationStore organisation, SlaEngine engine, InspectionTargets targets, CancellationToken ct)
    {
        var schedule = new InspectionSchedule(body.Schedule.Calendar, body.Schedule.Times, body.Schedule.Days);
        var errors = schedule.Validate().ToDictionary(e => "schedule." + e.Key, e => e.Value);
        if (body.Items.Count is 0 or > MaxItems) errors["items"] = $"a plan has between 1 and {MaxItems} items.";
        for (var i = 0; i < body.Items.Count; i++)
        {
            var item = body.Items[i];
            if (!ItemCode().IsMatch(item.Code)) errors[$"items[{i}].code"] = "a code is 1–32 letters, digits, '-', '_' or '.'.";
            else if (body.Items.Take(i).Any(earlier => string.Equals(earlier.Code, item.Code, StringComparison.OrdinalIgnoreCase))) errors[$"items[{i}].code"] = $"code '{item.Code}' is used twice.";
            var field = $"items[{i}].target";
            switch (item.Kind)
            {
                case ItemKind.Manual when item.Target is not null || item.Expect is not null || item.TimeoutMs is not null:
                    errors[field] = "a Manual item has no target, expect or timeoutMs.";
                    break;
                case ItemKind.Http when item.Target is null || ItemTargets.HttpUrl(item.Target) is null:
                    errors[field] = "an Http item's target is an absolute http or https URL (without user information).";
                    break;
                case ItemKind.Tcp when item.Target is null || ItemTargets.SplitHostPort(item.Target) is null:
                    errors[field] = "a Tcp item's target is host:port.";
                    break;
                case ItemKind.Tcp when item.Expect is { Status: not null } or { Contains: not null }:
                    errors[$"items[{i}].expect"] = "a Tcp item expects only maxLatencyMs.";
                    break;
            }
        }
        if (errors.Count > 0) return (null, null, Invalid(errors));

        var items = body.Items.Select(i => new InspectionItem(i.Code, i.Title.Trim(), i.Kind!.Value, i.Target,
            i.Expect is { } e ? new ItemExpectation(e.Status, e.Contains, e.MaxLatencyMs) : null, i.Impact, i.Urgency, i.TimeoutMs)).ToList();
        for (var i = 0; i < items.Count; i++)
            if (ItemTargets.HostOf(items[i]) is { } host && !targets.AllowsHost(host))
                return (null, null, ProblemResults.Unprocessable($"items[{i}].target",
                    $"items[{i}].target: host '{host}' is not listed in Inspections:AllowedTargets."));
        if (!(await engine.CalendarsAsync(ct)).ContainsKey(schedule.Calendar))
            return (null, null, ProblemResults.Unprocessable("schedule.calendar", $"schedule.calendar: calendar '{schedule.Calendar}' does not exist."));
        var group = await organisation.FindGroupAsync(body.Group, ct);
        if (group is null || group.Line is not (SupportLine.Line2System or SupportLine.Line2Business))
            return (null, null, ProblemResults.Unprocessable("group", $"group: '{body.Group}' is not a line-2 support group."));
        var unit = await organisation.FindUnitAsync(body.Unit ?? group.UnitId, ct);
        if (unit is null) return (null, null, ProblemResults.Unprocessable("unit", $"unit: '{body.Unit}' does not exist."));
        if (!actor.CanSee(unit.Path))
            return (null, null, ProblemResults.Problem(403, "forbidden", "Forbidden", $"Unit '{unit.Id}' is outside your scope: plans are written by its own IT managers."));
        if (!UnitPaths.IsWithin(unit.Path, group.UnitPath))
            return (null, null, ProblemResults.Unprocessable("group", $"group: '{group.Id}' belongs to unit '{group.UnitId}', which is neither '{unit.Id}' nor above it."));
        var system = await organisation.FindSystemAsync(body.System, ct);
        if (system is null) return (null, null, ProblemResults.Unprocessable("system", $"system: '{body.System}' does not exist."));
        if (!UnitPaths.IsWithin(unit.Path, system.UnitPath))
            return (null, null, ProblemResults.Unprocessable("system", $"system: '{system.Id}' belongs to unit '{system.UnitId}', which is neither '{unit.Id}' nor above it."));
        var definition = new PlanDefinition(system.Id, unit.Id, body.Name.Trim(), group.Id, schedule, body.Window ?? InspectionPlan.DefaultWindowMinutes, items);
        return (definition, unit.Path, null);
    }

    private static IResult From(RunError error) => error.Kind switch
    {
        RunErrorKind.Forbidden => ProblemResults.Problem(403, "forbidden", "Forbidden", error.Detail),
        RunErrorKind.NotAllowedInState => ProblemResults.Problem(409, "run-not-open", "The run does not allow this now", error.Detail),
        RunErrorKind.Conflict => ProblemResults.Problem(409, "precondition-not-met", "The run is not ready for this action", error.Detail),
        _ => ProblemResults.Unprocessable(error.Field ?? "items", error.Detail),
    };

    private static double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

    private static string ETag(int version) => $"\"{version}\"";

    private static IResult Stale(HttpResponse response, InspectionPlan current)
    {
        response.Headers.ETag = ETag(current.Version);
        return ProblemResults.Problem(412, "stale-etag", "The plan has changed",
            $"The plan is now at version {current.Version}; GET it, review the change and retry with the new ETag.",
            new Dictionary<string, object?> { ["currentETag"] = ETag(current.Version) });
    }

    private static IResult Invalid(Dictionary<string, string> errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => new[] { e.Value }),
            detail: string.Join(" ", errors.Select(e => $"{e.Key}: {e.Value}")), type: ProblemResults.TypeOf("validation"), title: "The request is not valid");

    private static IResult PlanNotFound(long id) => ProblemResults.NotFound($"Inspection plan {id} does not exist or is outside your scope.");

    private static IResult RunNotFound(long id) => ProblemResults.NotFound($"Inspection run {id} does not exist or is outside your scope.");

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
    private static partial Regex ItemCode();
}
