using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Itsm.Api.Validation;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tickets;

/// <summary>Raise a ticket (the <c>request</c> action).</summary>
/// <param name="System">Id of the business system the request is about (see <c>GET /api/v1/systems</c>).</param>
/// <param name="Category">Work type.</param>
/// <param name="Title">One line that says what is needed.</param>
/// <param name="Description">What happened, what is needed, and how to reach the requester.</param>
/// <param name="Impact">Who is affected.</param>
/// <param name="Urgency">How soon it matters.</param>
/// <param name="Unit">Owning unit, within the caller's scope; defaults to the caller's own unit.</param>
/// <param name="ExternalRef">The caller's own reference (its system and id): raising the same reference again returns the
/// ticket already raised for it (200) instead of a second one.</param>
/// <param name="OnBehalfOf">The id of the user the ticket is raised for (ServiceDesk and Integration callers only): a person
/// in the caller's scope, who becomes the requester; the caller is recorded as <c>raisedBy</c>. The unit defaults to theirs.</param>
/// <param name="Plan">For a change only (400 otherwise): the business department's plan, at least <c>what</c>.</param>
public sealed record CreateTicketRequest(
    [property: Required, StringLength(64, MinimumLength = 1), PlainText] string System,
    [property: Required] Category? Category,
    [property: Required, StringLength(200, MinimumLength = 3), PlainText] string Title,
    [property: Required, StringLength(8000, MinimumLength = 1), PlainText(Multiline = true)] string Description,
    [property: Required] Impact? Impact,
    [property: Required] Urgency? Urgency,
    [property: StringLength(64, MinimumLength = 1), PlainText] string? Unit = null,
    ExternalRefRequest? ExternalRef = null,
    [property: StringLength(64, MinimumLength = 1), PlainText] string? OnBehalfOf = null,
    ChangePlanRequest? Plan = null);

public sealed record ExternalRefRequest(
    [property: Required, StringLength(64, MinimumLength = 1), PlainText] string System,
    [property: Required, StringLength(200, MinimumLength = 1), PlainText] string Id);

/// <param name="ImplementedAt">A change: when it was implemented (after its approval).</param>
/// <param name="TestResult">A change: the test made after it, and the outcome.</param>
public sealed record ResolutionView(ResolutionCode Code, string Text, DateTimeOffset ResolvedAt, DateTimeOffset? ConfirmationDue,
    DateTimeOffset? ImplementedAt, string? TestResult);

/// <param name="ApprovedBy">Who approved (they may not implement the change), and when.</param>
public sealed record ApprovalView(ApprovalStatus Status, string? RequestedBy, string? ApprovedBy, DateTimeOffset? ApprovedAt);

/// <summary>The change plan as it stands (a part not yet written is null), and who wrote its latest version; every version is in the history.</summary>
public sealed record PlanView(string? What, string? Transport, string? Backup, string? Test, string? Rollback, string WrittenBy, DateTimeOffset WrittenAt)
{
    public static PlanView? From(WrittenPlan? written) => written is not { Plan: var p } ? null
        : new(p.What, p.Transport, p.Backup, p.Test, p.Rollback, written.WrittenBy, written.WrittenAt);
}

/// <summary>The owning department's latest evaluation of a change, and when its being overdue was notified (if it was).</summary>
public sealed record EvaluationView(bool? Effective, string? By, DateTimeOffset? At, DateTimeOffset? OverdueNotifiedAt);

/// <summary>A ticket as the caller sees it, with the actions this caller may take now. <c>requester</c> is whom it serves,
/// <c>raisedBy</c> who raised it (line 1 or an integration on the requester's behalf, else the requester); <c>hqGroup</c> the
/// HQ group its escalation names.</summary>
/// <param name="OwningDepartment">The business department that owns the system at the ticket's unit (the owner entry of the
/// nearest unit on its path); its business approvers approve the ticket's change. Null: no owner, so nobody may approve.</param>
/// <param name="Inventory">A configuration change (when one ticket is read or acted on): the versions of the configuration inventory its
/// resolve wrote (empty until then); null for other tickets and in lists.</param>
public sealed record TicketResponse(
    long Id, string Number, string Unit, string System, string? OwningDepartment, Category Category, string Title, string Description,
    Impact Impact, Urgency Urgency, Priority Priority, TicketStatus Status, ClosureOutcome? Outcome,
    string? Group, string? Assignee, string Requester, string RaisedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? TriagedAt, DateTimeOffset? EscalatedAt, string? HqGroup, DateTimeOffset? ClosedAt, ResolutionView? Resolution, int? Satisfaction,
    ApprovalView? Approval,
    PlanView? Plan, RecordedAssessment? Assessment, EvaluationView? Evaluation,
    DateTimeOffset? ResponseDue, DateTimeOffset? ResolutionDue, SlaState SlaState,
    ExternalRef? ExternalRef, long ChangeSequence, int Version, IReadOnlyList<string> AllowedActions, InspectionLink? Inspection = null,
    IReadOnlyList<Configuration.TicketInventoryVersion>? Inventory = null)
{
    /// <summary>Resolving a major incident only: its children left as they were (not New, Triaged or InProgress, or a change), with the reason.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Itsm.Infrastructure.Tickets.ChildNotResolved>? ChildrenNotResolved { get; init; }

    public static TicketResponse From(Ticket t, Actor caller, DateTimeOffset now) => new(
        t.Id, t.Number, t.UnitId, t.SystemId, t.OwningDepartment, t.Category, t.Title, t.Description, t.Impact, t.Urgency, t.Priority, t.Status,
        t.Outcome, t.GroupId, t.AssigneeId, t.RequesterId, t.RaisedBy, t.CreatedAt, t.UpdatedAt, t.TriagedAt, t.EscalatedAt, t.HqGroup, t.ClosedAt,
        t.ResolutionCode is { } code
            ? new ResolutionView(code, t.Resolution ?? "", t.ResolvedAt ?? t.UpdatedAt, t.ConfirmationDue, t.ImplementedAt, t.TestResult) : null,
        t.Satisfaction,
        t.ApprovalStatus is { } approval ? new ApprovalView(approval, t.ApprovalRequestedBy, t.ApprovedBy, t.ApprovedAt) : null,
        PlanView.From(t.WrittenPlan), t.Assessment,
        t.EvaluatedAt is not null || t.EvaluationOverdueNotifiedAt is not null
            ? new EvaluationView(t.Effective, t.EvaluatedBy, t.EvaluatedAt, t.EvaluationOverdueNotifiedAt) : null,
        t.ResponseDue, t.ResolutionDue, t.SlaState,
        t.ExternalSystem is { } system ? new ExternalRef(system, t.ExternalId ?? "") : null, t.ChangeSequence, t.Version, t.AllowedActions(caller, now).Select(a => a.Name()).ToList(),
        t.InspectionRunId is { } runId ? new InspectionLink(runId, t.InspectionItem ?? "") : null);
}

/// <summary>The inspection run and item (code) whose failure opened this finding ticket.</summary>
public sealed record InspectionLink(long RunId, string Item);

/// <summary>A page of tickets, newest first. Pass <c>nextCursor</c> as <c>cursor</c> for the next page; null means no more.</summary>
public sealed record TicketPage(IReadOnlyList<TicketResponse> Items, string? NextCursor) : Browser.ICursorPage;

public sealed record HistoryEntryResponse(
    long Id, DateTimeOffset At, string Actor, string Action, TicketStatus? From, TicketStatus? To,
    IReadOnlyDictionary<string, System.Text.Json.JsonElement> Details);

/// <summary>A comment: public (the requester sees it) or an internal work note (support staff only).</summary>
public sealed record CommentRequest(
    [property: Required, StringLength(8000, MinimumLength = 1), PlainText(Multiline = true)] string Body,
    CommentVisibility Visibility = CommentVisibility.Public);

public sealed record CommentResponse(long Id, DateTimeOffset At, string Author, CommentVisibility Visibility, string Body);

/// <summary>A page of a ticket's history, oldest first; pass <c>nextCursor</c> as <c>cursor</c> for the next one.</summary>
public sealed record HistoryPage(IReadOnlyList<HistoryEntryResponse> Items, string? NextCursor) : Browser.ICursorPage;

/// <summary>A page of a ticket's comments, oldest first; pass <c>nextCursor</c> as <c>cursor</c> for the next one.</summary>
public sealed record CommentPage(IReadOnlyList<CommentResponse> Items, string? NextCursor) : Browser.ICursorPage;
