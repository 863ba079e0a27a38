using System.ComponentModel.DataAnnotations;
using Itsm.Api.Validation;
using Itsm.Domain.Inspections;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Inspections;

/// <summary>When runs are due: times of day on the days named, in the calendar's time zone.</summary>
public sealed record ScheduleBody(
    [property: Required, StringLength(32, MinimumLength = 1)] string Calendar,
    [property: Required] IReadOnlyList<string> Times,
    [property: Required, StringLength(200, MinimumLength = 1)] string Days);

/// <summary>What a probe expects: status (default any 2xx), text in the body, the longest acceptable latency.</summary>
public sealed record ExpectBody(
    [property: Range(100, 599)] int? Status = null,
    [property: StringLength(200, MinimumLength = 1), PlainText] string? Contains = null,
    [property: Range(1, 600_000)] int? MaxLatencyMs = null);

/// <summary>A checklist item: Manual (a person records it), Http (an http(s) URL) or Tcp (<c>host:port</c>).</summary>
public sealed record ItemBody(
    [property: Required, StringLength(32, MinimumLength = 1), PlainText] string Code,
    [property: Required, StringLength(150, MinimumLength = 1), PlainText] string Title,
    [property: Required] ItemKind? Kind,
    [property: StringLength(2000, MinimumLength = 1), PlainText] string? Target = null,
    ExpectBody? Expect = null,
    Impact? Impact = null,
    Urgency? Urgency = null,
    [property: Range(100, 60_000)] int? TimeoutMs = null);

/// <summary>A plan as written: <c>unit</c> defaults to the group's unit; <c>window</c> (minutes) to 120.</summary>
public sealed record PlanRequest(
    [property: Required, StringLength(64, MinimumLength = 1), PlainText] string System,
    [property: Required, StringLength(200, MinimumLength = 1), PlainText] string Name,
    [property: Required, StringLength(64, MinimumLength = 1), PlainText] string Group,
    [property: Required] ScheduleBody Schedule,
    [property: Required] IReadOnlyList<ItemBody> Items,
    [property: StringLength(64, MinimumLength = 1), PlainText] string? Unit = null,
    [property: Range(5, 1440)] int? Window = null);

public sealed record PlanResponse(
    long Id, int Version, bool Active, string System, string Unit, string Name, string Group, InspectionSchedule Schedule, int Window,
    IReadOnlyList<InspectionItem> Items, DateTimeOffset? NextRunAt, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    public static PlanResponse From(InspectionPlan p) => new(p.Id, p.Version, p.Active, p.Definition.System, p.Definition.Unit, p.Definition.Name,
        p.Definition.Group, p.Definition.Schedule, p.Definition.WindowMinutes, p.Definition.Items, p.NextRunAt, p.CreatedAt, p.CreatedBy,
        p.UpdatedAt, p.UpdatedBy);
}

/// <summary>A page of plans, newest first; pass <c>nextCursor</c> as <c>cursor</c> for the next.</summary>
public sealed record PlanPage(IReadOnlyList<PlanResponse> Items, string? NextCursor) : Browser.ICursorPage;

/// <summary>One item of a run: the plan's item, what was found, by whom and when, and the finding ticket a failure opened.</summary>
public sealed record RunItemResponse(
    string Code, string Title, ItemKind Kind, string? Target, ItemResult? Result, string? Observation, string? RecordedBy,
    DateTimeOffset? RecordedAt, ProbeOutcome? Probe, long? TicketId);

public sealed record RunResponse(
    long Id, long Plan, int PlanVersion, string PlanName, string Unit, string System, string Group, DateTimeOffset ScheduledAt,
    DateTimeOffset Deadline, RunState State, DateTimeOffset? StartedAt, string? StartedBy, DateTimeOffset? EndedAt, string? EndedBy,
    IReadOnlyList<RunItemResponse> Items, int Version, IReadOnlyList<string> AllowedActions)
{
    public static RunResponse From(InspectionRun r, IReadOnlyDictionary<string, long> findings, Actor caller, DateTimeOffset now) => new(
        r.Id, r.PlanId, r.PlanVersion, r.PlanName, r.UnitId, r.SystemId, r.GroupId, r.ScheduledAt, r.Deadline, r.State, r.StartedAt,
        r.StartedBy, r.EndedAt, r.EndedBy,
        r.Items.Select(i => new RunItemResponse(i.Item.Code, i.Item.Title, i.Item.Kind, i.Item.Target, i.Result, i.Observation, i.RecordedBy,
            i.RecordedAt, i.Probe, findings.TryGetValue(i.Item.Code, out var ticket) ? ticket : null)).ToList(),
        r.Version, r.AllowedActions(caller, now).Where(a => a != RunAction.Miss).Select(InspectionRunWorkflow.Name).ToList());
}

public sealed record RunPage(IReadOnlyList<RunResponse> Items, string? NextCursor) : Browser.ICursorPage;

/// <summary>One result: Pass, Fail or NotApplicable, and what was observed.</summary>
public sealed record ResultBody(
    [property: Required, StringLength(32, MinimumLength = 1)] string Code,
    [property: Required] ItemResult? Result,
    [property: StringLength(2000, MinimumLength = 1), PlainText(Multiline = true)] string? Observation = null);

public sealed record ResultsRequest([property: Required, MinLength(1), MaxLength(100)] IReadOnlyList<ResultBody> Items);

public sealed record SystemSummaryResponse(
    string System, int Scheduled, int Completed, int Passed, int Failed, int Missed, double? CompletionRate, double? PassRate);

public sealed record InspectionSummary(string Unit, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SystemSummaryResponse> Systems);
