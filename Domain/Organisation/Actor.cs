namespace Itsm.Domain.Organisation;

/// <summary>
/// The authenticated caller: a person or an integration, bound to one unit.
/// <paramref name="UnitPath"/> is the unit's path in the tree (e.g. <c>/HQ/JS/</c>); the caller's scope is that subtree.
/// <paramref name="Department"/> is the business department (code) a person belongs to, if any.
/// <paramref name="Line1GroupIds"/> are those of <paramref name="GroupIds"/> that serve line 1 (the service desks).
/// </summary>
public sealed record Actor(
    string UserId,
    string Name,
    string UnitId,
    string UnitPath,
    IReadOnlySet<Role> Roles,
    IReadOnlySet<string> GroupIds,
    string? Department = null,
    IReadOnlySet<string>? Line1GroupIds = null)
{
    /// <summary>The service itself (timers): its scope is the whole tree.</summary>
    public static Actor System { get; } = new(
        "system", "Itsm", "", UnitPaths.WholeTree, new HashSet<Role> { Role.System }, new HashSet<string>());

    public bool Has(Role role) => Roles.Contains(role);

    /// <summary>The caller belongs to headquarters: the root unit, whatever its code.</summary>
    public bool IsAtHq => UnitPaths.IsRoot(UnitPath);

    /// <summary>A requester who holds no other role sees only the tickets they raised.</summary>
    public bool SeesOnlyOwnTickets => Roles.All(r => r == Role.Requester);

    /// <summary>Internal work notes (internal comments and history entries) are for operations and maintenance staff only.</summary>
    public bool SeesInternalNotes =>
        Roles.Any(r => r is Role.ServiceDesk or Role.Engineer or Role.ItManager or Role.HqEngineer or Role.Integration);

    public bool CanSee(string unitPath) => UnitPaths.IsWithin(unitPath, UnitPath);
}
