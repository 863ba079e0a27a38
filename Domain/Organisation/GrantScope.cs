namespace Itsm.Domain.Organisation;

/// <summary>
/// What an IT manager may hand out (to a new user, a membership or role change, or an API key): users and support
/// groups of their own unit subtree, departments of that subtree, and any role except <see cref="Role.HqEngineer"/>, which,
/// like headquarters' groups, only headquarters' IT managers grant.
/// </summary>
public static class GrantScope
{
    /// <returns>What lies outside <paramref name="manager"/>'s scope, described for a problem's detail; empty when all is within.</returns>
    public static IReadOnlyList<string> OutOfScope(Actor manager, IEnumerable<Role> roles, IEnumerable<SupportGroup> groups,
        Department? department = null)
    {
        var outside = new List<string>();
        if (!manager.IsAtHq && roles.Contains(Role.HqEngineer))
            outside.Add($"role {Role.HqEngineer} (granted by headquarters' IT managers only)");
        outside.AddRange(groups.Where(g => !manager.CanSee(g.UnitPath)).DistinctBy(g => g.Id)
            .Select(g => $"group {g.Id} (of unit {g.UnitId}, outside your unit)"));
        // Membership of a department above the manager's unit would let its holder approve for that unit's department.
        if (department is not null && !manager.CanSee(department.UnitPath))
            outside.Add($"department {department.Code} (of unit {department.UnitId}, outside your unit)");
        return outside;
    }
}
