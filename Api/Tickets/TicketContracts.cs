using System.ComponentModel.DataAnnotations;
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
public sealed record CreateTicketRequest(
    [property: Required, StringLength(64, MinimumLength = 1), PlainText] string System,
    [property: Required] Category? Category,
    [property: Required, StringLength(200, MinimumLength = 3), PlainText] string Title,
    [property: Required, StringLength(8000, MinimumLength = 1), PlainText(Multiline = true)] string Description,
    [property: Required] Impact? Impact,
    [property: Required] Urgency? Urgency,
    [property: StringLength(64, MinimumLength = 1), PlainText] string? Unit = null,
    ExternalRefRequest? ExternalRef = null);

public sealed record ExternalRefRequest(
    [property: Required, StringLength(64, MinimumLength = 1), PlainText] string System,
    [property: Required, StringLength(200, MinimumLength = 1), PlainText] string Id);

public sealed record ResolutionView(ResolutionCode Code, string Text, DateTimeOffset ResolvedAt, DateTimeOffset? ConfirmationDue);

public sealed record ApprovalView(ApprovalStatus Status, string? RequestedBy, ChangePlan? Plan);

/// <summary>A ticket as the caller sees it, with the actions this caller may take now.</summary>
public sealed record TicketResponse(
    long Id, string Number, string Unit, string System, Category Category, string Title, string Description,
    Impact Impact, Urgency Urgency, Priority Priority, TicketStatus Status, ClosureOutcome? Outcome,
    string? Group, string? Assignee, string Requester, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? TriagedAt, DateTimeOffset? EscalatedAt, DateTimeOffset? ClosedAt, ResolutionView? Resolution, int? Satisfaction,
    ApprovalView? Approval, DateTimeOffset? ResponseDue, DateTimeOffset? ResolutionDue, SlaState SlaState,
    ExternalRef? ExternalRef, long ChangeSequence, int Version, IReadOnlyList<string> AllowedActions, InspectionLink? Inspection = null)
{
    public static TicketResponse From(Ticket t, Actor caller, DateTimeOffset now) => new(
        t.Id, t.Number, t.UnitId, t.SystemId, t.Category, t.Title, t.Description, t.Impact, t.Urgency, t.Priority, t.Status,
        t.Outcome, t.GroupId, t.AssigneeId, t.RequesterId, t.CreatedAt, t.UpdatedAt, t.TriagedAt, t.EscalatedAt, t.ClosedAt,
        t.ResolutionCode is { } code ? new ResolutionView(code, t.Resolution ?? "", t.ResolvedAt ?? t.UpdatedAt, t.ConfirmationDue) : null,
        t.Satisfaction,
        t.ApprovalStatus is { } approval ? new ApprovalView(approval, t.ApprovalRequestedBy, t.Plan) : null,
        t.ResponseDue, t.ResolutionDue, t.SlaState,
        t.ExternalSystem is { } system ? new ExternalRef(system, t.ExternalId ?? "") : null, t.ChangeSequence, t.Version, t.AllowedActions(caller, now).Select(a => a.Name()).ToList(),
        t.InspectionRunId is { } runId ? new InspectionLink(runId, t.InspectionItem ?? "") : null);
}

/// <summary>The inspection run and item (code) whose failure opened this finding ticket.</summary>
public sealed record InspectionLink(long RunId, string Item);

/// <summary>A page of tickets, newest first. Pass <c>nextCursor</c> as <c>cursor</c> for the next page; null means no more.</summary>
public sealed record TicketPage(IReadOnlyList<TicketResponse> Items, string? NextCursor);

public sealed record HistoryEntryResponse(
    long Id, DateTimeOffset At, string Actor, string Action, TicketStatus? From, TicketStatus? To,
    IReadOnlyDictionary<string, System.Text.Json.JsonElement> Details);

/// <summary>A comment: public (the requester sees it) or an internal work note (support staff only).</summary>
public sealed record CommentRequest(
    [property: Required, StringLength(8000, MinimumLength = 1), PlainText(Multiline = true)] string Body,
    CommentVisibility Visibility = CommentVisibility.Public);

public sealed record CommentResponse(long Id, DateTimeOffset At, string Author, CommentVisibility Visibility, string Body);

/// <summary>A page of a ticket's history, oldest first; pass <c>nextCursor</c> as <c>cursor</c> for the next one.</summary>
public sealed record HistoryPage(IReadOnlyList<HistoryEntryResponse> Items, string? NextCursor);

/// <summary>A page of a ticket's comments, oldest first; pass <c>nextCursor</c> as <c>cursor</c> for the next one.</summary>
public sealed record CommentPage(IReadOnlyList<CommentResponse> Items, string? NextCursor);
