namespace Itsm.Domain.Organisation;

/// <summary>A business department (Finance, Human Resources) of one unit: it owns systems and its approvers approve their changes.</summary>
public sealed record Department(string Code, string Name, string UnitId, string UnitPath)
{
    public const int MaxCodeLength = 40;

    /// <summary>
    /// A department serves its own unit and the units below it: a person of that subtree may belong to it, and it may own a
    /// system at any unit of that subtree.
    /// </summary>
    public bool Serves(string unitPath) => UnitPaths.IsWithin(unitPath, UnitPath);
}

/// <summary>One entry of a system's ownership: at <paramref name="UnitPath"/> (and below, unless a nearer entry says otherwise) the system is owned by <paramref name="Department"/>.</summary>
public sealed record OwnerEntry(string UnitId, string UnitPath, string Department);

/// <summary>Who owns a system for a ticket: the entry of the nearest unit on the ticket's unit path (JS-NJ → JS → HQ).</summary>
public static class SystemOwnership
{
    /// <returns>The owning department's code, or null when no unit on the path has an entry (then nobody may approve).</returns>
    public static string? OwnerFor(IEnumerable<OwnerEntry> entries, string ticketUnitPath) =>
        entries.Where(e => UnitPaths.IsWithin(ticketUnitPath, e.UnitPath))
               .MaxBy(e => e.UnitPath.Length)?.Department;
}
