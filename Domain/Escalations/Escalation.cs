namespace Itsm.Domain.Escalations;

/// <summary>
/// One escalation to the HQ system (docs/domain.md (Ticket lifecycle)): Queued → Sent → Acknowledged → Returned | Resolved. Failed when its
/// delivery gave up (a retry queues it again).
/// </summary>
public enum EscalationState
{
    Queued,
    Sent,
    Failed,
    Acknowledged,
    Returned,
    Resolved,
}

/// <summary>What the HQ system tells us about an escalation it received.</summary>
public enum HqEventType
{
    Acknowledged,
    Returned,
    Resolved,
}

public static class EscalationStates
{
    /// <summary>The state an HQ event moves its escalation to.</summary>
    public static EscalationState Reached(this HqEventType type) => type switch
    {
        HqEventType.Acknowledged => EscalationState.Acknowledged,
        HqEventType.Returned => EscalationState.Returned,
        HqEventType.Resolved => EscalationState.Resolved,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>
    /// HQ's answers move an escalation only forward: an acknowledgement after a return, or anything after a return or a
    /// resolution, would move it back. An answer may overtake our record of the delivery (Queued, Failed): HQ has it.
    /// </summary>
    public static bool CanMoveTo(this EscalationState state, EscalationState next) => Rank(next) > Rank(state);

    /// <summary>The states from which <paramref name="type"/> may be applied.</summary>
    public static IReadOnlyList<EscalationState> AnsweredFrom(this HqEventType type) =>
        Enum.GetValues<EscalationState>().Where(s => s.CanMoveTo(type.Reached())).ToList();

    private static int Rank(EscalationState state) => state switch
    {
        EscalationState.Queued or EscalationState.Failed => 0,
        EscalationState.Sent => 1,
        EscalationState.Acknowledged => 2,
        EscalationState.Returned or EscalationState.Resolved => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
