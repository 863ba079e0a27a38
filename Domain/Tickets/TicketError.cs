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
    /// <summary>A field of the request lacks or carries what this ticket does not allow, e.g. <c>effective</c> on a non-change (400).</summary>
    BadInput,
}

/// <summary>An expected refusal, returned (not thrown) by the domain.</summary>
public sealed record TicketError(TicketErrorKind Kind, string Detail, IReadOnlyList<TicketAction>? AllowedActions = null, string? Field = null)
{
    public static TicketError NotAllowedInState(TicketStatus status, TicketAction action, IReadOnlyList<TicketAction> allowed) =>
        new(TicketErrorKind.NotAllowedInState,
            $"A ticket in {status} does not allow '{action.Name()}'. Allowed for you now: " +
            (allowed.Count == 0 ? "none" : string.Join(", ", allowed.Select(a => a.Name()))) + ".", allowed);

    public static TicketError Forbidden(string detail) => new(TicketErrorKind.Forbidden, detail);

    public static TicketError Conflict(string detail, IReadOnlyList<TicketAction> allowed) => new(TicketErrorKind.Conflict, detail, allowed);

    public static TicketError Invalid(string detail) => new(TicketErrorKind.Invalid, detail);

    public static TicketError BadInput(string field, string detail) => new(TicketErrorKind.BadInput, detail, Field: field);
}
