namespace Itsm.Domain.Organisation;

/// <summary>What a caller may do (docs/domain.md (Roles)). <see cref="System"/> is the service itself (timers).</summary>
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

/// <summary>The "three lines" a support group belongs to (docs/domain.md (Organisation)).</summary>
public enum SupportLine
{
    Line1,
    Line2System,
    Line2Business,
    Line3,
}
