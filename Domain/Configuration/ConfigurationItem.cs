using Itsm.Domain.Organisation;

namespace Itsm.Domain.Configuration;

/// <summary>
/// One entry of a system's configuration inventory (配置清单): a named setting in one environment, whose configuration it
/// is (<paramref name="UnitPath"/>: an enterprise-wide system can carry a province's own parameters), its current value
/// and version. Every value it had is a <see cref="ConfigurationVersion"/>.
/// </summary>
public sealed record ConfigurationItem(
    long Id, string SystemId, string Environment, string Key, string UnitId, string UnitPath, string Value, string? Description,
    string? Owner, ConfigurationOrigin CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version)
{
    /// <summary>The sizes of the columns, the same on both databases; the API refuses longer text (400).</summary>
    public const int MaxKeyLength = 200;
    public const int MaxEnvironmentLength = 40;
    public const int MaxValueLength = 4000;
    public const int MaxDescriptionLength = 1000;

    /// <summary>A key or environment name: letters, digits and <c>. _ - :</c>, starting with a letter or digit (a key is a path segment).</summary>
    public const string NamePattern = "^[A-Za-z0-9][A-Za-z0-9._:-]*$";

    public const string Production = "Production";
}

/// <summary>One value an item had: when, by whom, and through which ticket (null: entered into the inventory directly).</summary>
public sealed record ConfigurationVersion(int Version, string Value, DateTimeOffset ChangedAt, string ChangedBy, long? TicketId);

/// <summary>How an item came into the inventory: entered (created or imported), or by the configuration change that introduced it.</summary>
public enum ConfigurationOrigin
{
    Inventory,
    Change,
}

/// <summary>Who keeps a system's inventory by hand (the initial load, corrections): not everyone who may see it.</summary>
public static class InventoryKeepers
{
    /// <summary>
    /// IT managers within their scope, and engineers of a line 2 group (system or business O&amp;M) serving the item's unit;
    /// changes after the initial load come through configuration change tickets.
    /// </summary>
    public static bool MayKeep(Actor actor, IEnumerable<SupportGroup> groupsOfActor, string unitPath) =>
        actor.CanSee(unitPath)
        && (actor.Has(Role.ItManager)
            || actor.Has(Role.Engineer) && groupsOfActor.Any(g => g.Line is SupportLine.Line2System or SupportLine.Line2Business
                                                                    && actor.GroupIds.Contains(g.Id) && UnitPaths.IsWithin(unitPath, g.UnitPath)));

    public const string Refusal =
        "Only IT managers, and engineers of a line 2 group serving the item's unit, keep the configuration inventory by hand.";
}
