using System.ComponentModel.DataAnnotations;
using Itsm.Api.Validation;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tickets;

/// <summary>Line 1 classifies the ticket and assigns it to a support group; impact × urgency gives the priority.</summary>
/// <param name="Group">The support group that will work the ticket.</param>
/// <param name="Assignee">Optionally, a member of that group.</param>
/// <param name="Category">Corrects the work type; kept when omitted.</param>
/// <param name="Impact">Corrects the impact; kept when omitted.</param>
/// <param name="Urgency">Corrects the urgency; kept when omitted.</param>
/// <param name="Note">Why, for the history.</param>
public sealed record TriageRequest(
    [property: Required, StringLength(64, MinimumLength = 1), PlainText] string Group,
    [property: StringLength(64, MinimumLength = 1), PlainText] string? Assignee = null,
    Category? Category = null, Impact? Impact = null, Urgency? Urgency = null,
    [property: StringLength(2000), PlainText(Multiline = true)] string? Note = null);

/// <summary>An engineer of the assigned group starts work (and becomes the assignee if there is none).</summary>
public sealed record StartRequest([property: StringLength(2000), PlainText(Multiline = true)] string? Note = null);

/// <summary>
/// The plan of a change (Art. 9(5), 14): what changes, how it reaches production, the backup, the test and the rollback.
/// The business department starts it (with the request, or its approver later): <c>what</c> is required, the other parts
/// may follow; parts not given are kept as they are.
/// </summary>
public sealed record ChangePlanRequest(
    [property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string What,
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? Transport = null,
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? Backup = null,
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? Test = null,
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? Rollback = null)
{
    public ChangePlan ToPlan() => new(What, Transport, Backup, Test, Rollback);
}

/// <summary>The parts of the plan O&amp;M writes or revises when asking for the approval; parts not given are kept.</summary>
public sealed record PlanRevisionRequest(
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? What = null,
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? Transport = null,
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? Backup = null,
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? Test = null,
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? Rollback = null)
{
    public ChangePlan ToPlan() => new(What, Transport, Backup, Test, Rollback);
}

/// <summary>O&amp;M's assessment of the change plan (Art. 14(1)): how risky it is and what it affects.</summary>
public sealed record AssessmentRequest(
    [property: Required] ChangeRisk? Risk,
    [property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string Impact);

/// <summary>
/// Ask the owning department to approve the change: complete (or revise) the plan, which must then have all five parts
/// (400 naming the missing one), and give O&amp;M's assessment.
/// </summary>
public sealed record RequestApprovalRequest(
    [property: Required] AssessmentRequest? Assessment,
    PlanRevisionRequest? Plan = null);

public sealed record ApproveRequest([property: StringLength(2000), PlainText(Multiline = true)] string? Comment = null);

public sealed record RejectRequest([property: Required, StringLength(2000, MinimumLength = 1), PlainText(Multiline = true)] string Reason);

public sealed record HoldRequest([property: Required, StringLength(2000, MinimumLength = 1), PlainText(Multiline = true)] string Reason);

public sealed record ResumeRequest([property: StringLength(2000), PlainText(Multiline = true)] string? Note = null);

/// <summary>Hand the ticket to headquarters (提报总部): why, and what the unit already tried.</summary>
/// <param name="HqGroup">Optionally, the HQ group that should take it (相关部门): a Line3, Line2System or Line2Business group of
/// headquarters. Then only its members (and the HQ system) may return or resolve the ticket.</param>
public sealed record EscalateRequest(
    [property: Required, StringLength(2000, MinimumLength = 1), PlainText(Multiline = true)] string Reason,
    [property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string WhatWasTried,
    [property: StringLength(64, MinimumLength = 1), PlainText] string? HqGroup = null);

/// <summary>Headquarters returns the ticket to the unit with guidance.</summary>
public sealed record HqReturnRequest([property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string Guidance);

/// <summary>Resolve with a code and text; a change also with its test result and, if not now, when it was implemented.</summary>
/// <param name="ImplementedAt">Changes only: when the change was made (default now); not before its approval, not in the future (409).</param>
/// <param name="TestResult">Changes only, and required for them: what was tested after the change, and the outcome.</param>
/// <param name="Inventory">Configuration changes only: the settings the change left with new values, written as new versions of the
/// system's configuration inventory with the resolve (a key the system lacks is created). This or <c>inventoryUnchanged</c> is required.</param>
/// <param name="InventoryUnchanged">Configuration changes only: why no setting of the inventory changed.</param>
/// <param name="ManualsUpdated">Configuration changes only, and required for them: whether the manuals were updated.</param>
/// <param name="ManualsNote">Configuration changes only: which manuals, or why not.</param>
public sealed record ResolveRequest(
    [property: Required] ResolutionCode? Code,
    [property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string Resolution,
    DateTimeOffset? ImplementedAt = null,
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? TestResult = null,
    [property: MaxLength(Itsm.Api.Accounts.AccountChangeLimit.PerResolve)] IReadOnlyList<Itsm.Api.Accounts.AccountChangeRequest>? AccountChanges = null,
    [property: MaxLength(1000)] IReadOnlyList<Itsm.Api.Configuration.InventoryItemRequest>? Inventory = null,
    [property: StringLength(2000, MinimumLength = 1), PlainText(Multiline = true)] string? InventoryUnchanged = null,
    bool? ManualsUpdated = null,
    [property: StringLength(2000, MinimumLength = 1), PlainText(Multiline = true)] string? ManualsNote = null)
{
    public Implementation ToImplementation() => new(ImplementedAt, TestResult);
}

/// <summary>
/// The requester confirms the resolution with a satisfaction score; a change is instead evaluated by its owning department's
/// approver: <c>effective</c> (required for a change, refused otherwise) closes it when true and sends it back to work, to be
/// approved again, when false (then <c>comment</c> says why).
/// </summary>
/// <param name="Effective">A change only: whether the change had the intended effect.</param>
/// <param name="Satisfaction">1–5; required unless the ticket is a change.</param>
/// <param name="Comment">Why (required when <c>effective</c> is false).</param>
public sealed record ConfirmRequest(
    [property: Range(1, 5)] int? Satisfaction = null,
    [property: StringLength(2000), PlainText(Multiline = true)] string? Comment = null,
    bool? Effective = null);

public sealed record ReopenRequest([property: Required, StringLength(2000, MinimumLength = 1), PlainText(Multiline = true)] string Reason);

public sealed record CancelRequest([property: Required, StringLength(2000, MinimumLength = 1), PlainText(Multiline = true)] string Reason);

/// <summary>Functional escalation between lines: another group (of the ticket's unit or a unit above it, below HQ).</summary>
public sealed record ReassignRequest(
    [property: Required, StringLength(64, MinimumLength = 1), PlainText] string Group,
    [property: StringLength(64, MinimumLength = 1), PlainText] string? Assignee,
    [property: Required, StringLength(2000, MinimumLength = 1), PlainText(Multiline = true)] string Reason);
