using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;

namespace Itsm.Domain.Configuration;

/// <summary>One setting a configuration change leaves with a new value.</summary>
public sealed record InventoryUpdate(string Key, string Environment, string Value);

/// <summary>
/// What resolving a configuration change says about the inventory and the manuals (Art. 14(1): after a configuration change
/// takes effect, O&amp;M updates the configuration inventory and the manuals): the settings it changed, or why the inventory
/// is unchanged; and whether the manuals were updated, with a note.
/// </summary>
public sealed record InventoryReport(IReadOnlyList<InventoryUpdate>? Updates, string? UnchangedReason, bool? ManualsUpdated, string? ManualsNote)
{
    public const string NotStatedProblem = "inventory-not-stated";

    public bool IsEmpty => Updates is null && UnchangedReason is null && ManualsUpdated is null && ManualsNote is null;

    /// <summary>
    /// The rule of the <c>resolve</c> row for configuration changes: one must say what happened to the inventory (the
    /// settings changed, or why none did; not both) and whether the manuals were updated (true or false; <c>manualsUpdated</c>
    /// is required, because the article names the manuals beside the inventory and "not said" is what the rule exists to
    /// prevent). Other tickets carry none of it (400). Who may resolve, and whether the ticket is ready, decide first.
    /// </summary>
    public TicketError? RefusalToResolve(Ticket ticket, Actor actor, DateTimeOffset now)
    {
        if (TicketWorkflow.Decide(ticket, TicketAction.Resolve, actor, now).Error is { } refused) return refused;
        if (ticket.Category != Category.ConfigurationChange)
            return IsEmpty ? null : TicketError.InvalidFields(Given(),
                $"The inventory and the manuals are reported for a configuration change only; {ticket.Category} is not one.");
        if (Updates is { Count: > 0 } && UnchangedReason is not null)
            return NotStated("Give either inventory (the settings the change left with new values) or inventoryUnchanged (why none changed), not both.");
        if (Updates is not { Count: > 0 } && UnchangedReason is null)
            return NotStated("A configuration change is resolved saying what happened to the configuration inventory: " +
                             "inventory (the settings with their new values) or inventoryUnchanged (why none changed).");
        if (ManualsUpdated is null)
            return NotStated("A configuration change is resolved saying whether the manuals were updated: manualsUpdated true or false (and manualsNote).");
        if (Updates?.GroupBy(u => (u.Key.ToUpperInvariant(), u.Environment.ToUpperInvariant())).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return TicketError.Invalid($"inventory names {twice.First().Key} in {twice.First().Environment} more than once.");
        return null;
    }

    private static TicketError NotStated(string detail) => new(TicketErrorKind.Invalid, detail, Problem: NotStatedProblem);

    private List<string> Given() =>
    [
        ..Updates is null ? [] : new[] { "inventory" }, ..UnchangedReason is null ? [] : new[] { "inventoryUnchanged" },
        ..ManualsUpdated is null ? [] : new[] { "manualsUpdated" }, ..ManualsNote is null ? [] : new[] { "manualsNote" },
    ];
}
