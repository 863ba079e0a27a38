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

/// <summary>The change plan the business department approves (Art. 14): what changes, the backup, the test and the rollback.</summary>
public sealed record ChangePlanRequest(
    [property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string What,
    [property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string Backup,
    [property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string Test,
    [property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string Rollback);

public sealed record RequestApprovalRequest([property: Required] ChangePlanRequest Plan);

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

public sealed record ResolveRequest(
    [property: Required] ResolutionCode? Code,
    [property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string Resolution);

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
