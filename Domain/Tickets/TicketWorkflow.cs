using Itsm.Domain.Organisation;
using static Itsm.Domain.Organisation.Role;
using static Itsm.Domain.Tickets.TicketAction;
using static Itsm.Domain.Tickets.TicketStatus;

namespace Itsm.Domain.Tickets;

/// <summary>What a guard needs to decide; <paramref name="Confirmation"/> is what a <c>confirm</c> says (null for other actions).</summary>
public sealed record GuardContext(Ticket Ticket, Actor Actor, DateTimeOffset Now, Confirmation? Confirmation = null, TicketEdit? Edit = null);

/// <summary>
/// A named condition on a transition. An <see cref="GuardKind.Actor"/> guard that fails means this caller may not
/// (403); a <see cref="GuardKind.Ticket"/> guard that fails means the ticket is not ready (409); an
/// <see cref="GuardKind.Input"/> guard reads what the caller sent and tells rows of one action apart (the caller and the
/// ticket decide first; <c>allowedActions</c> does not look at it, as nothing has been sent yet). A refusal by a guard with a
/// <paramref name="ProblemType"/> carries that problem type (<c>urn:itsm:problem:&lt;name&gt;</c>) instead of the general one,
/// for a refusal a client tells apart.
/// </summary>
public sealed record Guard(string Name, GuardKind Kind, string Description, Func<GuardContext, bool> Holds, string? ProblemType = null);

public enum GuardKind { Actor, Ticket, Input }

/// <summary>One row of the table: in <paramref name="From"/> (null: the ticket does not exist yet), <paramref name="By"/>
/// may <paramref name="Action"/>, leading to <paramref name="To"/> (null: the status stays), when every guard holds.</summary>
public sealed record Transition(
    TicketStatus? From, TicketAction Action, TicketStatus? To, ClosureOutcome? Outcome, Role By, IReadOnlyList<Guard> Guards);

/// <summary>The ticket lifecycle of docs/domain.md (Ticket lifecycle) as one table: the domain enforces it, the API lists it, the diagram is drawn from it.</summary>
public static class TicketWorkflow
{
    public static readonly Guard GroupMember = new("groupMember", GuardKind.Actor,
        "the caller is a member of the ticket's assigned group",
        c => c.Ticket.GroupId is { } g && c.Actor.GroupIds.Contains(g));

    /// <summary>
    /// Line 1 holds a ticket no other line's group has taken: one it resolved at first contact comes back to it when its requester
    /// reopens it (or one triaged to the caller's own line-1 group). A line-2 group's ticket is that group's, even for a service
    /// desk member who also belongs to it.
    /// </summary>
    public static readonly Guard WithLine1 = new("withLine1", GuardKind.Actor,
        "the ticket is with line 1: no support group holds it (line 1 resolved it at first contact and its requester reopened it), or a line-1 group of the caller's does",
        c => c.Ticket.GroupId is not { } g || (c.Actor.Line1GroupIds?.Contains(g) ?? false));

    public static readonly Guard OwnTicket = new("ownTicket", GuardKind.Actor,
        "the caller is the ticket's requester (who raised it, or on whose behalf it was raised)",
        c => c.Ticket.RequesterId == c.Actor.UserId);

    /// <summary>Only line 1 and integrations raise a ticket on behalf of another user (who then is its requester).</summary>
    public static readonly Guard ForThemselves = new("forThemselves", GuardKind.Actor,
        "the caller raises the ticket for themselves (only ServiceDesk and Integration callers raise one on behalf of another user)",
        c => c.Ticket.RequesterId == c.Actor.UserId);

    public static readonly Guard HqGroupMember = new("hqGroupMember", GuardKind.Actor,
        "the caller is a member of the HQ group the escalation names (any HQ engineer when it names none)",
        c => c.Ticket.HqGroup is not { } group || c.Actor.GroupIds.Contains(group));

    public static readonly Guard NotOwnRequest = new("notOwnRequest", GuardKind.Actor,
        "separation of duties: the approver neither raised the ticket nor requested the approval",
        c => c.Actor.UserId != c.Ticket.RequesterId && c.Actor.UserId != c.Ticket.ApprovalRequestedBy);

    /// <summary>
    /// The caller belongs to the business department that owns the ticket's system at the ticket's unit (the owner entry of
    /// the nearest unit on its path). A ticket whose system has no owner on its path has no such department: nobody holds it.
    /// </summary>
    public static readonly Guard OwningDepartment = new("owningDepartment", GuardKind.Actor,
        "the caller belongs to the business department that owns the ticket's system at the ticket's unit (the owner entry of " +
        "the nearest unit on its path); when no unit on the path has an owner entry, nobody does",
        c => c.Ticket.OwningDepartment is { } owner && c.Actor.Department == owner, "not-owning-department");

    /// <summary>Separation of duties: whoever approved a change does not implement it.</summary>
    public static readonly Guard NotApprover = new("notApprover", GuardKind.Actor,
        "the caller did not approve the change (separation of duties: the approver does not implement it)",
        c => c.Ticket.ApprovedBy is not { } approver || approver != c.Actor.UserId);

    public static readonly Guard CallerAtHq = new("callerAtHq", GuardKind.Actor,
        "the caller belongs to headquarters",
        c => c.Actor.IsAtHq);

    public static readonly Guard UnitBelowHq = new("unitBelowHq", GuardKind.Ticket,
        "the ticket belongs to a unit below headquarters (HQ's own tickets have no one to escalate to)",
        c => !UnitPaths.IsRoot(c.Ticket.UnitPath));

    public static readonly Guard ApprovedIfChange = new("approvedIfChange", GuardKind.Ticket,
        "a change (" + string.Join(", ", CategoryRules.Changes) + ") has been approved by the business department",
        c => !c.Ticket.Category.NeedsApproval() || c.Ticket.ApprovalStatus == ApprovalStatus.Approved);

    public static readonly Guard NotYetApproved = new("notYetApproved", GuardKind.Ticket,
        "the change has not been approved yet (an approved plan is what gets implemented; a new plan goes through request-approval again)",
        c => c.Ticket.ApprovalStatus != ApprovalStatus.Approved);

    public static readonly Guard IsChange = new("isChange", GuardKind.Ticket,
        "the ticket is a change (" + string.Join(", ", CategoryRules.Changes) + "), which the business department approves and evaluates",
        c => c.Ticket.Category.NeedsApproval());

    public static readonly Guard NotAChange = new("notAChange", GuardKind.Actor,
        "the ticket is not a change (a change is closed by its business department's evaluation, never by its requester or the clock)",
        c => !c.Ticket.Category.NeedsApproval());

    public static readonly Guard EvaluatedEffective = new("evaluatedEffective", GuardKind.Input,
        "the evaluation finds the change effective",
        c => c.Confirmation?.Effective == true);

    public static readonly Guard EvaluatedNotEffective = new("evaluatedNotEffective", GuardKind.Input,
        "the evaluation finds the change not effective (it goes back to work and must be approved again)",
        c => c.Confirmation?.Effective == false);

    public static readonly Guard WithinConfirmationWindow = new("withinConfirmationWindow", GuardKind.Ticket,
        "the confirmation window after resolution has not passed",
        c => c.Ticket.ConfirmationDue is { } due && c.Now <= due);

    public static readonly Guard ConfirmationWindowPassed = new("confirmationWindowPassed", GuardKind.Ticket,
        "the confirmation window after resolution has passed",
        c => c.Ticket.ConfirmationDue is { } due && c.Now > due);

    public static readonly Guard TextOnly = new("textOnly", GuardKind.Input,
        "the edit changes only the title and the description (the classification is line 1's)",
        c => c.Edit is not { } edit || edit.ClassificationFields.Count == 0);

    private static readonly TicketStatus?[] Creation = [null];
    private static readonly TicketStatus?[] Open = [New, Triaged, InProgress, OnHold, PendingApproval, EscalatedToHq, Resolved];
    private static readonly Role[] Everyone = [Requester, ServiceDesk, Engineer, BusinessApprover, ItManager, HqEngineer, Integration];

    public static IReadOnlyList<Transition> Table { get; } =
    [
        //   from                                action           to                outcome                    by                                         guards
        ..Rows(Creation,                         Request,         New,              null,                      [Requester],                               ForThemselves),
        ..Rows(Creation,                         Request,         New,              null,                      [ServiceDesk, Integration]),
        ..Rows([New],                            Triage,          Triaged,          null,                      [ServiceDesk]),
        ..Rows([Triaged],                        Start,           InProgress,       null,                      [Engineer],                                GroupMember),
        ..Rows([New, Triaged, InProgress],       Plan,            null,             null,                      [BusinessApprover],                        OwningDepartment, IsChange, NotYetApproved),
        ..Rows([Triaged, InProgress],            RequestApproval, PendingApproval,  null,                      [Engineer],                                GroupMember),
        ..Rows([PendingApproval],                Approve,         InProgress,       null,                      [BusinessApprover],                        NotOwnRequest, OwningDepartment),
        ..Rows([PendingApproval],                Reject,          Closed,           ClosureOutcome.Rejected,   [BusinessApprover],                        NotOwnRequest, OwningDepartment),
        ..Rows([InProgress],                     Hold,            OnHold,           null,                      [Engineer],                                GroupMember),
        ..Rows([OnHold],                         Resume,          InProgress,       null,                      [Engineer],                                GroupMember),
        ..Rows([Triaged, InProgress, OnHold],    Escalate,        EscalatedToHq,    null,                      [Engineer],                                GroupMember, UnitBelowHq),
        ..Rows([Triaged, InProgress, OnHold],    Escalate,        EscalatedToHq,    null,                      [ItManager],                               UnitBelowHq),
        ..Rows([Triaged, InProgress, OnHold],    Escalate,        EscalatedToHq,    null,                      [Role.System],                             UnitBelowHq),
        ..Rows([EscalatedToHq],                  HqReturn,        InProgress,       null,                      [HqEngineer],                              CallerAtHq, HqGroupMember),
        ..Rows([EscalatedToHq],                  HqReturn,        InProgress,       null,                      [Integration],                             CallerAtHq),
        // A configuration change is also resolved saying what happened to the inventory and the manuals (Art. 14(1)): the
        // rule reads what the caller sent, Configuration.InventoryReport.RefusalToResolve, decided with these rows.
        ..Rows([New, Triaged],                   Resolve,         Resolved,         null,                      [ServiceDesk],                             NotApprover, ApprovedIfChange),
        ..Rows([Triaged, InProgress],            Resolve,         Resolved,         null,                      [Engineer],                                GroupMember, NotApprover, ApprovedIfChange),
        // Reopened after line 1 resolved it: back in progress with line 1, which answers it again or hands it to a group.
        ..Rows([InProgress],                     Resolve,         Resolved,         null,                      [ServiceDesk],                             WithLine1, NotApprover, ApprovedIfChange),
        ..Rows([EscalatedToHq],                  Resolve,         Resolved,         null,                      [HqEngineer],                              CallerAtHq, HqGroupMember, NotApprover, ApprovedIfChange),
        ..Rows([EscalatedToHq],                  Resolve,         Resolved,         null,                      [Integration],                             CallerAtHq, NotApprover, ApprovedIfChange),
        ..Rows([Resolved],                       Confirm,         Closed,           ClosureOutcome.Resolved,   [Requester],                               OwnTicket, NotAChange),
        ..Rows([Resolved],                       Confirm,         Closed,           ClosureOutcome.Resolved,   [BusinessApprover],                        IsChange, OwningDepartment, EvaluatedEffective),
        ..Rows([Resolved],                       Confirm,         InProgress,       null,                      [BusinessApprover],                        IsChange, OwningDepartment, EvaluatedNotEffective),
        ..Rows([Resolved],                       Reopen,          InProgress,       null,                      [Requester],                               OwnTicket, WithinConfirmationWindow),
        ..Rows([Resolved],                       Reopen,          InProgress,       null,                      [BusinessApprover],                        IsChange, OwningDepartment, WithinConfirmationWindow),
        ..Rows([Resolved],                       AutoClose,       Closed,           ClosureOutcome.AutoClosed, [Role.System],                             NotAChange, ConfirmationWindowPassed),
        ..Rows([New, Triaged, OnHold],           Cancel,          Cancelled,        null,                      [Requester],                               OwnTicket),
        ..Rows([New, Triaged, OnHold],           Cancel,          Cancelled,        null,                      [ServiceDesk]),
        ..Rows([Triaged, InProgress, OnHold],    Reassign,        null,             null,                      [ServiceDesk]),
        ..Rows([Triaged, InProgress, OnHold],    Reassign,        null,             null,                      [Engineer],                                GroupMember),
        ..Rows(Open,                             Comment,         null,             null,                      Everyone),
        ..Rows([New],                            Edit,            null,             null,                      [Requester],                               OwnTicket, TextOnly),
        ..Rows(Open,                             Edit,            null,             null,                      [ServiceDesk]),
        ..Rows([New, Triaged, OnHold],           MarkDuplicate,   Cancelled,        ClosureOutcome.Duplicate,  [ServiceDesk]),
        // A major incident's children are resolved with it, by the service itself; a change waits for its own approval and test.
        ..Rows([New, Triaged, InProgress],       Resolve,         Resolved,         null,                      [Role.System],                             NotAChange),
    ];

    private static readonly IReadOnlyDictionary<TicketStatus, Transition[]> FromStatus =
        Enum.GetValues<TicketStatus>().ToDictionary(s => s, s => Table.Where(t => t.From == s).ToArray());

    /// <summary>The actions this caller may take on this ticket now (what the API returns as <c>allowedActions</c>).</summary>
    public static IReadOnlyList<TicketAction> AllowedActions(Ticket ticket, Actor actor, DateTimeOffset now)
    {
        var context = new GuardContext(ticket, actor, now);
        var allowed = new List<TicketAction>();
        foreach (var t in FromStatus[ticket.Status])
            if (!allowed.Contains(t.Action) && actor.Has(t.By) && t.Guards.Where(g => g.Kind != GuardKind.Input).All(g => g.Holds(context)))
                allowed.Add(t.Action);
        return allowed;
    }

    /// <summary>Finds the row that lets this caller take this action now, or says precisely why none does.</summary>
    public static (Transition? Transition, TicketError? Error) Decide(Ticket ticket, TicketAction action, Actor actor, DateTimeOffset now,
        Confirmation? confirmation = null, TicketEdit? edit = null) =>
        Decide(ticket, ticket.Status, action, actor, now, confirmation, edit);

    /// <summary>Whether this caller may raise the ticket drafted (the creation rows, from no status): for whom is part of it.</summary>
    public static (Transition? Transition, TicketError? Error) DecideRaise(Ticket draft, Actor actor, DateTimeOffset now) =>
        Decide(draft, null, TicketAction.Request, actor, now, null, null);

    private static (Transition? Transition, TicketError? Error) Decide(Ticket ticket, TicketStatus? from, TicketAction action, Actor actor,
        DateTimeOffset now, Confirmation? confirmation, TicketEdit? edit)
    {
        var rows = Table.Where(t => t.Action == action).ToList();
        if (!rows.Any(t => actor.Has(t.By)))
            return (null, TicketError.Forbidden($"None of your roles ({string.Join(", ", actor.Roles)}) may {action.Name()} a ticket."));

        var fromHere = rows.Where(t => t.From == from).ToList();
        if (fromHere.Count == 0)
            return (null, TicketError.NotAllowedInState(ticket.Status, action, AllowedActions(ticket, actor, now)));

        var mine = fromHere.Where(t => actor.Has(t.By)).ToList();
        if (mine.Count == 0)
            return (null, TicketError.Forbidden(
                $"In {ticket.Status}, only {string.Join(" or ", fromHere.Select(t => t.By).Distinct())} may {action.Name()} a ticket."));

        var context = new GuardContext(ticket, actor, now, confirmation, edit);
        // The caller and the ticket decide whether the action may be taken; what the caller sent then picks the row.
        var permitted = mine.Where(t => t.Guards.Where(g => g.Kind != GuardKind.Input).All(g => g.Holds(context))).ToList();
        if (permitted.Count > 0)
            return permitted.FirstOrDefault(t => t.Guards.All(g => g.Holds(context))) is { } granted
                ? (granted, null)
                : (null, TicketError.InvalidField("body", $"Cannot {action.Name()}: requires that " +
                    string.Join(" or ", permitted.SelectMany(t => t.Guards.Where(g => g.Kind == GuardKind.Input)).Select(g => g.Description)) + "."));

        var failures = mine.SelectMany(t => t.Guards.Where(g => g.Kind != GuardKind.Input && !g.Holds(context))).ToList();
        var ticketGuard = mine.Where(t => t.Guards.Where(g => g.Kind == GuardKind.Actor).All(g => g.Holds(context)))
                              .SelectMany(t => t.Guards.Where(g => g.Kind == GuardKind.Ticket && !g.Holds(context))).FirstOrDefault();
        return ticketGuard is not null
            ? (null, TicketError.Conflict($"Cannot {action.Name()}: requires that {ticketGuard.Description}.", AllowedActions(ticket, actor, now)))
            : (null, Refusal(action, failures.FirstOrDefault(g => g.ProblemType is not null) ?? failures[0]));
    }

    /// <summary>
    /// Why the caller may not: a guard with its own problem type (e.g. not the owning department) names the refusal
    /// better than a row the caller was never meant to take (a business approver is also a requester).
    /// </summary>
    private static TicketError Refusal(TicketAction action, Guard failed) =>
        TicketError.Forbidden($"You may not {action.Name()} this ticket: requires that {failed.Description}.", failed.ProblemType);

    /// <summary>The lifecycle as a Mermaid state diagram, drawn from <see cref="Table"/>.</summary>
    public static string MermaidDiagram()
    {
        var lines = new List<string> { "stateDiagram-v2" };
        foreach (var edge in Table.Where(t => t.To is not null)
                     .GroupBy(t => (t.From, t.Action, t.To))
                     .Select(g => (g.Key.From, g.Key.Action, g.Key.To, Roles: string.Join(", ", g.Select(t => t.By).Distinct()))))
        {
            var from = edge.From?.ToString() ?? "[*]";
            lines.Add($"    {from} --> {edge.To}: {edge.Action.Name()} ({edge.Roles})");
        }
        lines.Add("    Closed --> [*]");
        lines.Add("    Cancelled --> [*]");
        return string.Join('\n', lines) + "\n";
    }

    private static IEnumerable<Transition> Rows(TicketStatus?[] from, TicketAction action, TicketStatus? to,
        ClosureOutcome? outcome, Role[] by, params Guard[] guards) =>
        @from.SelectMany(s => by.Select(role => new Transition(s, action, to, outcome, role, guards)));
}
