namespace Itsm.Domain.Organisation;

/// <summary>What a caller may do (DOMAIN.md §3). <see cref="System"/> is the service itself (timers).</summary>
public enum Role
{
    Requester,
    ServiceDesk,
    Engineer,
    BusinessApprover,
    ItManager,
    HqEngineer,
    Integration,
    System,
}

/// <summary>The "three lines" a support group belongs to (DOMAIN.md §2).</summary>
public enum SupportLine
{
    Line1,
    Line2System,
    Line2Business,
    Line3,
}
