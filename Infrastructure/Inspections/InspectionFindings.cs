using Itsm.Domain.Inspections;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Infrastructure.Inspections;

/// <summary>
/// Opens one <see cref="Category.InspectionFinding"/> ticket per failed run item, through the one path tickets are raised
/// by. The ticket names its run item and a unique index on that link refuses a second one, so results saved twice at
/// once, or a pass repeated after a restart, still open exactly one.
/// </summary>
public sealed class InspectionFindings(TicketChanges changes, TicketStore tickets, OrganisationStore organisation, SlaEngine engine,
    InspectionStore store, TimeProvider clock)
{
    /// <summary>
    /// Opens the findings a saved run owes (its save marked them due) and clears the mark; a crash in between leaves the
    /// mark, and the scheduler's next pass comes here again.
    /// </summary>
    public async Task<int> OpenDueAsync(InspectionRun run, CancellationToken ct)
    {
        if (run.Items.All(i => i.Result != ItemResult.Fail)) return 0;
        var opened = await OpenAsync(run, ct);
        await store.FindingsOpenedAsync(run.Id, run.Version, ct);
        return opened;
    }

    /// <summary>Opens the missing findings of the run's failed items; returns how many it opened.</summary>
    public async Task<int> OpenAsync(InspectionRun run, CancellationToken ct)
    {
        var failed = run.Items.Where(i => i.Result == ItemResult.Fail).ToList();
        if (failed.Count == 0) return 0;
        var existing = await tickets.FindingsOfRunAsync(run.Id, ct);
        var opened = 0;
        foreach (var item in failed.Where(i => !existing.ContainsKey(i.Item.Code)))
        {
            var unit = await organisation.FindUnitAsync(run.UnitId, ct);
            var system = await organisation.FindSystemAsync(run.SystemId, ct);
            var group = await organisation.FindGroupAsync(run.GroupId, ct);
            if (unit is null || system is null || group is null) continue; // removed from the organisation since: nothing to raise against
            // Whoever recorded the failure raises it; a probe's failure is raised by the service itself.
            var requester = item.RecordedBy ?? Actor.System.UserId;
            if (requester == Actor.System.UserId) await store.EnsureServiceUserAsync(ct);
            var finding = new Finding(run.Id, item.Item.Code, Title(item), Description(run, item),
                item.Item.Impact ?? Impact.Unit, item.Item.Urgency ?? Urgency.Medium);
            var ticket = Ticket.RaiseFinding(finding, requester, unit, system, group, await organisation.PriorityMatrixAsync(ct), clock.GetUtcNow());
            var (_, existed) = await changes.RaiseAsync(ticket, await engine.ContextAsync(null, ct), ct);
            if (!existed) opened++;
        }
        return opened;
    }

    private static string Title(RunItem item) => $"Inspection finding: {item.Item.Title}";

    private static string Description(InspectionRun run, RunItem item)
    {
        var found = item.Probe is { } probe
            ? $"Probe of {item.Item.Target}: " + (probe.Error ?? $"status {probe.Status}, {probe.LatencyMs} ms")
            : item.Observation ?? "(no observation recorded)";
        return $"Item {item.Item.Code} of inspection run {run.Id} (plan '{run.PlanName}', due {run.ScheduledAt:yyyy-MM-dd HH:mm} UTC) failed.\n{found}";
    }
}
