namespace Itsm.Domain.Organisation;

public sealed record Unit(string Id, string Name, string? ParentId, string Path)
{
    /// <summary>The size of the path columns (an index key on SQL Server): bounds how deep the tree can grow.</summary>
    public const int MaxPathLength = 450;
}

public sealed record SupportGroup(string Id, string Name, string UnitId, string UnitPath, SupportLine Line);

/// <summary>
/// A business application (the configuration item a ticket is raised against). <paramref name="OwnerDepartment"/> is the
/// owner entry for the system's own unit (a department code); other units below may have their own entries.
/// </summary>
public sealed record BusinessSystem(string Id, string Name, string UnitId, string UnitPath, string? OwnerDepartment);
