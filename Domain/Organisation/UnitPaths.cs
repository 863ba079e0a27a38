namespace Itsm.Domain.Organisation;

/// <summary>
/// Unit paths such as <c>/HQ/JS/</c>. Headquarters is the root of the unit tree (the one unit without a parent),
/// whatever its code: its path is the only one with a single segment. The schema allows one root only.
/// </summary>
public static class UnitPaths
{
    /// <summary>The scope of the whole tree (every path starts with it).</summary>
    public const string WholeTree = "/";

    /// <summary>Whether <paramref name="unitPath"/> is the unit at <paramref name="subtreePath"/> or below it.</summary>
    public static bool IsWithin(string unitPath, string subtreePath) => unitPath.StartsWith(subtreePath, StringComparison.Ordinal);

    public static bool IsRoot(string unitPath) =>
        unitPath.Length > 2 && unitPath[0] == '/' && unitPath.IndexOf('/', 1) == unitPath.Length - 1;
}
