using Itsm.Domain.Inspections;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Inspections;

/// <summary>
/// The demo plan (with the demo organisation, when <c>Inspections:DemoPlan</c> is on, as in Development): a daily
/// inspection of ERP at JS with two manual items and a probe of the service's own liveness. Its first run is due half a
/// minute after seeding, so a newcomer sees a run and its probe result within a minute of the first start.
/// </summary>
public sealed class InspectionDemo(InspectionStore store, OrganisationStore organisation, SlaEngine engine, InspectionOptions options,
    TimeProvider clock, ILogger<InspectionDemo> logger)
{
    public static readonly TimeSpan FirstRunAfter = TimeSpan.FromSeconds(30);

    public async Task SeedAsync(CancellationToken ct)
    {
        if (await organisation.FindUnitAsync("JS", ct) is not { } unit) return;
        var schedule = new InspectionSchedule("CN-BUSINESS", ["09:00", "15:00"], "Daily");
        if (!(await engine.CalendarsAsync(ct)).ContainsKey(schedule.Calendar)) return;
        var now = clock.GetUtcNow();
        var definition = new PlanDefinition("ERP", unit.Id, "ERP daily inspection (demo)", "JS-L2BIZ", schedule, InspectionPlan.DefaultWindowMinutes,
        [
            new InspectionItem("LOGIN", "Log in to ERP and open the finance workbench", ItemKind.Manual),
            new InspectionItem("POSTING", "Post and reverse a test voucher", ItemKind.Manual),
            new InspectionItem("LIVE", "The service answers its liveness check", ItemKind.Http, options.DemoProbeUrl,
                new ItemExpectation(200, "live", 2000), TimeoutMs: 5000),
        ]);
        var id = await store.InsertPlanAsync(new InspectionPlan(0, unit.Path, 1, true, definition, now + FirstRunAfter, now, "demo-data", now, "demo-data"), ct);
        logger.LogInformation("Seeded demo inspection plan {Plan}: its first run is due at {At}", id, now + FirstRunAfter);
    }
}
