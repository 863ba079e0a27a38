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
    /// <summary>A field of the request is missing or not acceptable for this ticket, e.g. a part of the change plan (400, naming it).</summary>
    InvalidField,
}

/// <summary>An expected refusal, returned (not thrown) by the domain.</summary>
/// <param name="Fields">The request fields at fault, as the API names them (<c>plan.transport</c>).</param>
/// <param name="Problem">A more precise kind of refusal than <paramref name="Kind"/> says (<c>implemented-before-approval</c>,
/// or the problem type of the guard that refused, e.g. <c>not-owning-department</c>).</param>
public sealed record TicketError(TicketErrorKind Kind, string Detail, IReadOnlyList<TicketAction>? AllowedActions = null,
    IReadOnlyList<string>? Fields = null, string? Problem = null)
{
    public static TicketError NotAllowedInState(TicketStatus status, TicketAction action, IReadOnlyList<TicketAction> allowed) =>
        new(TicketErrorKind.NotAllowedInState,
            $"A ticket in {status} does not allow '{action.Name()}'. Allowed for you now: " +
            (allowed.Count == 0 ? "none" : string.Join(", ", allowed.Select(a => a.Name()))) + ".", allowed);

    public static TicketError Forbidden(string detail, string? problemType = null) => new(TicketErrorKind.Forbidden, detail, Problem: problemType);

    public static TicketError Conflict(string detail, IReadOnlyList<TicketAction> allowed) => new(TicketErrorKind.Conflict, detail, allowed);

    public static TicketError Invalid(string detail) => new(TicketErrorKind.Invalid, detail);

    public static TicketError InvalidField(string field, string detail) => InvalidFields([field], detail);

    public static TicketError InvalidFields(IReadOnlyList<string> fields, string detail) => new(TicketErrorKind.InvalidField, detail, Fields: fields);

    /// <summary>The <see cref="Problem"/> of a change resolved without its test result.</summary>
    public const string TestResultRequired = "test-result-required";

    /// <summary>A change resolved without its test result: the field is missing (400); HQ's answer cannot resolve it (409).</summary>
    public static TicketError TestResultMissing(string detail) =>
        new(TicketErrorKind.InvalidField, detail, Fields: ["testResult"], Problem: TestResultRequired);

    /// <summary>A change implemented before its approval (or said to be implemented in the future): 409 with the reason.</summary>
    public static TicketError ImplementedBeforeApproval(string detail) =>
        new(TicketErrorKind.Conflict, detail, [], Problem: "implemented-before-approval");
}
