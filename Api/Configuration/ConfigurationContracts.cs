using System.ComponentModel.DataAnnotations;
using Itsm.Api.Tickets;
using Itsm.Api.Validation;
using Itsm.Domain.Configuration;
using Itsm.Infrastructure.Configuration;

namespace Itsm.Api.Configuration;

/// <summary>Enter a setting into a system's configuration inventory (the initial load, or one the inventory lacks).</summary>
/// <param name="Key">The setting's name, e.g. <c>posting.period.open</c>: letters, digits and <c>. _ - :</c>, up to 200.</param>
/// <param name="Environment"><c>Production</c>, <c>Test</c> or another named environment (same characters, up to 40).</param>
/// <param name="Value">The current value (up to 4000 characters; may be empty).</param>
/// <param name="Unit">Whose configuration it is (a unit in your scope that uses the system). Default: the system's unit when it is
/// in your scope, else your own unit (a province's own parameter of an enterprise-wide system).</param>
/// <param name="Owner">The support group that looks after it.</param>
/// <param name="Ticket">The ticket the value came with, if any (the initial load has none).</param>
public sealed record CreateConfigurationItemRequest(
    [property: Required, StringLength(ConfigurationItem.MaxKeyLength, MinimumLength = 1), RegularExpression(ConfigurationItem.NamePattern)] string Key,
    [property: Required, StringLength(ConfigurationItem.MaxEnvironmentLength, MinimumLength = 1), RegularExpression(ConfigurationItem.NamePattern)] string Environment,
    [property: Required(AllowEmptyStrings = true), StringLength(ConfigurationItem.MaxValueLength), PlainText(Multiline = true)] string Value,
    [property: StringLength(ConfigurationItem.MaxDescriptionLength, MinimumLength = 1), PlainText(Multiline = true)] string? Description = null,
    [property: StringLength(64, MinimumLength = 1), PlainText] string? Unit = null,
    [property: StringLength(64, MinimumLength = 1), PlainText] string? Owner = null,
    long? Ticket = null);

/// <summary>A setting a configuration change leaves with a new value (a key the system lacks is created by the change).</summary>
public sealed record InventoryItemRequest(
    [property: Required, StringLength(ConfigurationItem.MaxKeyLength, MinimumLength = 1), RegularExpression(ConfigurationItem.NamePattern)] string Key,
    [property: Required, StringLength(ConfigurationItem.MaxEnvironmentLength, MinimumLength = 1), RegularExpression(ConfigurationItem.NamePattern)] string Environment,
    [property: Required(AllowEmptyStrings = true), StringLength(ConfigurationItem.MaxValueLength), PlainText(Multiline = true)] string Value);

/// <summary>One value an item had: when, by whom, and the ticket that changed it (null: entered into the inventory).</summary>
public sealed record ConfigurationVersionResponse(int Version, string Value, DateTimeOffset ChangedAt, string ChangedBy, long? Ticket)
{
    public static ConfigurationVersionResponse From(ConfigurationVersion v) => new(v.Version, v.Value, v.ChangedAt, v.ChangedBy, v.TicketId);
}

/// <summary>A setting of a system's configuration inventory; <c>versions</c> (newest first) when one item is read.</summary>
/// <param name="CreatedBy"><c>Inventory</c>: entered or imported; <c>Change</c>: introduced by the configuration change of its first version.</param>
public sealed record ConfigurationItemResponse(
    string System, string Key, string Environment, string Unit, string Value, string? Description, string? Owner, ConfigurationOrigin CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version, IReadOnlyList<ConfigurationVersionResponse>? Versions = null)
{
    public static ConfigurationItemResponse From(ConfigurationItem i, IReadOnlyList<ConfigurationVersion>? versions = null) =>
        new(i.SystemId, i.Key, i.Environment, i.UnitId, i.Value, i.Description, i.Owner, i.CreatedBy, i.CreatedAt, i.UpdatedAt, i.Version,
            versions?.Select(ConfigurationVersionResponse.From).ToList());
}

/// <summary>A page of items in (environment, key) order; pass <c>nextCursor</c> as <c>cursor</c> for the next one (null: no more).</summary>
public sealed record ConfigurationItemPage(IReadOnlyList<ConfigurationItemResponse> Items, string? NextCursor);

/// <summary>How many items an import entered.</summary>
public sealed record ConfigurationImportResponse(int Imported);

/// <summary>A version a configuration change wrote, as its ticket lists it.</summary>
/// <param name="CreatedBy"><c>Change</c> when the change introduced the key.</param>
public sealed record TicketInventoryVersion(string System, string Key, string Environment, int Version, string Value, DateTimeOffset ChangedAt,
    string ChangedBy, ConfigurationOrigin CreatedBy)
{
    public static TicketInventoryVersion From(TicketVersion v) =>
        new(v.System, v.Key, v.Environment, v.Version, v.Value, v.ChangedAt, v.ChangedBy, v.ItemCreatedBy);
}

public static class InventoryReporting
{
    /// <summary>What a resolve says about the inventory and the manuals.</summary>
    public static InventoryReport InventoryReport(this ResolveRequest body) => new(
        body.Inventory?.Select(i => new InventoryUpdate(i.Key, i.Environment, i.Value)).ToList(), body.InventoryUnchanged, body.ManualsUpdated,
        body.ManualsNote);
}
