namespace Itsm.Domain.Tickets;

/// <summary>Everything that can happen to a ticket. Each has one endpoint, named by <see cref="TicketActionNames"/>.</summary>
public enum TicketAction
{
    Request,
    Triage,
    Start,
    /// <summary>The owning department's approver starts or revises the plan of a change (<c>plan</c>).</summary>
    Plan,
    RequestApproval,
    Approve,
    Reject,
    Hold,
    Resume,
    Escalate,
    HqReturn,
    Resolve,
    Confirm,
    Reopen,
    AutoClose,
    Cancel,
    Reassign,
    Comment,
    /// <summary>Corrects what the ticket says (<c>PATCH /tickets/{id}</c>): title and description, and for line 1 its classification.</summary>
    Edit,
    /// <summary>Line 1 finds the ticket repeats another (a <c>DuplicateOf</c> link): it is cancelled with the outcome Duplicate.</summary>
    MarkDuplicate,
}

public static class TicketActionNames
{
    private static readonly Dictionary<TicketAction, string> Names = Enum.GetValues<TicketAction>()
        .ToDictionary(a => a, ToKebab);

    private static readonly Dictionary<string, TicketAction> ByName = Names.ToDictionary(p => p.Value, p => p.Key);

    /// <summary>The action's name in URLs, lists and history: <c>request-approval</c>, <c>hq-return</c>.</summary>
    public static string Name(this TicketAction action) => Names[action];

    public static bool TryParse(string name, out TicketAction action) => ByName.TryGetValue(name, out action);

    private static string ToKebab(TicketAction action) =>
        string.Concat(action.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
