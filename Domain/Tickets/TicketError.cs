namespace Itsm.Domain.Tickets;

public enum TicketErrorKind
{
    /// <summary>The current status does not permit the action (409).</summary>
    NotAllowedInState,
    /// <summary>The caller's roles or relation to the ticket do not permit it (403).</summary>
    Forbidden,
    /// <summary>The ticket is not ready for the action, e.g. a change without approval (409).</summary>
    Conflict,
    /// <summary>The request names something that cannot be used here, e.g. a group of another unit (422).</summary>
    Invalid,
}

/// <summary>An expected refusal, returned (not thrown) by the domain.</summary>
/// <param name="ProblemType">The name of a more specific problem type than the kind's (from the refusing guard), if any.</param>
public sealed record TicketError(TicketErrorKind Kind, string Detail, IReadOnlyList<TicketAction>? AllowedActions = null, string? ProblemType = null)
{
    public static TicketError NotAllowedInState(TicketStatus status, TicketAction action, IReadOnlyList<TicketAction> allowed) =>
        new(TicketErrorKind.NotAllowedInState,
            $"A ticket in {status} does not allow '{action.Name()}'. Allowed for you now: " +
            (allowed.Count == 0 ? "none" : string.Join(", ", allowed.Select(a => a.Name()))) + ".", allowed);

    public static TicketError Forbidden(string detail, string? problemType = null) => new(TicketErrorKind.Forbidden, detail, ProblemType: problemType);

    public static TicketError Conflict(string detail, IReadOnlyList<TicketAction> allowed) => new(TicketErrorKind.Conflict, detail, allowed);

    public static TicketError Invalid(string detail) => new(TicketErrorKind.Invalid, detail);
}
