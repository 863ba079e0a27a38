using Itsm.Domain.Tickets;

namespace Itsm.Domain.Inspections;

/// <summary>How an item is checked: by a person, or by the service itself (an availability probe).</summary>
public enum ItemKind
{
    Manual,
    Http,
    Tcp,
}

/// <summary>What a person (or a probe) found for one item.</summary>
public enum ItemResult
{
    Pass,
    Fail,
    NotApplicable,
}

/// <summary>What a probe expects: HTTP status (default any 2xx), text in the body, the longest acceptable latency.</summary>
public sealed record ItemExpectation(int? Status = null, string? Contains = null, int? MaxLatencyMs = null);

/// <summary>One checklist item of a plan (Art. 12: the content of the inspection).</summary>
public sealed record InspectionItem(
    string Code, string Title, ItemKind Kind, string? Target = null, ItemExpectation? Expect = null,
    Impact? Impact = null, Urgency? Urgency = null, int? TimeoutMs = null)
{
    public bool IsAutomatic => Kind is ItemKind.Http or ItemKind.Tcp;
}

/// <summary>What a plan says, as versioned: the system inspected, by whom, when, for how long, and what.</summary>
public sealed record PlanDefinition(
    string System, string Unit, string Name, string Group, InspectionSchedule Schedule, int WindowMinutes, IReadOnlyList<InspectionItem> Items);

/// <summary>
/// An inspection plan (Art. 12: regime, time, frequency, content). Editing it makes a new version; runs keep the version
/// they were created under. <see cref="NextRunAt"/> is when the scheduler creates its next run (null: inactive).
/// </summary>
public sealed record InspectionPlan(
    long Id, string UnitPath, int Version, bool Active, PlanDefinition Definition, DateTimeOffset? NextRunAt,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    /// <summary>Minutes a run may take before it is missed, unless the plan says otherwise.</summary>
    public const int DefaultWindowMinutes = 120;
}
