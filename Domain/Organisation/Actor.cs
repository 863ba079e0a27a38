namespace Itsm.Domain.Organisation;

/// <summary>
/// The authenticated caller: a person or an integration, bound to one unit.
/// <paramref name="UnitPath"/> is the unit's path in the tree (e.g. <c>/HQ/JS/</c>); the caller's scope is that subtree.
/// </summary>
public sealed record Actor(
    string UserId,
    string Name,
    string UnitId,
    string UnitPath,
    IReadOnlySet<Role> Roles,
    IReadOnlySet<string> GroupIds)
{
    public const string HqUnitPath = "/HQ/";

    public static Actor System { get; } = new(
        "system", "Itsm", "HQ", HqUnitPath, new HashSet<Role> { Role.System }, new HashSet<string>());

    public bool Has(Role role) => Roles.Contains(role);

    public bool IsAtHq => UnitPath == HqUnitPath;

    /// <summary>A requester who holds no other role sees only the tickets they raised.</summary>
    public bool SeesOnlyOwnTickets => Roles.All(r => r == Role.Requester);

    public bool CanSee(string unitPath) => unitPath.StartsWith(UnitPath, StringComparison.Ordinal);
}
