using Itsm.Api.Tests.Inspections;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Reports;

/// <summary>
/// A small history of unit JS with known times on the CN-BUSINESS calendar (Mon–Fri 08:30–12:00, 13:30–17:30, Asia/Shanghai),
/// across the boundary between the previous period [2026-11-24, 2026-12-02) and the report's period [2026-12-02, 2026-12-10):
/// a reopen, an escalation to HQ, a response breach, an evaluated change, a rejected one, one left unevaluated past its
/// confirmation window, a passed and a missed inspection. The expected figures are worked out by hand in the tests.
/// </summary>
public static class ReportHistory
{
    public const string Period = "unit=JS&from=2026-12-02&to=2026-12-10";

    /// <summary>A local (Asia/Shanghai) time in December 2026.</summary>
    public static DateTimeOffset Local(int day, int hour, int minute = 0) =>
        new DateTimeOffset(2026, 12, day, hour, minute, 0, TimeSpan.FromHours(8)).ToUniversalTime();

    public static async Task BuildAsync(ItsmApp app)
    {
        using var given = new Given(app);
        var (requester, desk, engineer, approver, hq) = (given.Requester, given.ServiceDesk, given.Engineer, given.Approver, given.HqEngineer);
        var escalate = new { reason = "Central defect", whatWasTried = "Reproduced it" };

        // Tue 1 Dec, previous period.
        app.Clock.SetUtcNow(Local(1, 9));
        var t1 = (await requester.CreateAsync(TicketClient.NewTicket("T1 posting fails"))).Id;
        var t2 = (await requester.CreateAsync(TicketClient.NewTicket("T2 report hangs"))).Id;
        var t9 = (await requester.CreateAsync(TicketClient.NewTicket("T9 add a cost centre", Category.ConfigurationChange))).Id;
        app.Clock.SetUtcNow(Local(1, 9, 30));
        foreach (var id in new[] { t1, t2, t9 })
        {
            await desk.ActOkAsync(id, "triage", new { group = "JS-L2SYS" });
            await engineer.ActOkAsync(id, "start");
        }
        await engineer.ActOkAsync(t9, "request-approval", Given.Plan);
        await approver.ActOkAsync(t9, "approve", new { comment = "Go ahead" });
        app.Clock.SetUtcNow(Local(1, 10));
        await engineer.ActOkAsync(t2, "escalate", escalate);
        app.Clock.SetUtcNow(Local(1, 11));
        await engineer.ActOkAsync(t1, "resolve", new { code = "Fixed", resolution = "Reposted" });
        await engineer.ActOkAsync(t9, "resolve", Given.ConfigurationChangeResolved());
        app.Clock.SetUtcNow(Local(1, 16));
        var t3 = (await requester.CreateAsync(TicketClient.NewTicket("T3 duplicate vendors", Category.DataQualityIssue))).Id;

        // Wed 2 Dec, the report's period.
        app.Clock.SetUtcNow(Local(2, 9));
        await requester.ActOkAsync(t1, "reopen", new { reason = "Still fails" });
        await desk.ActOkAsync(t3, "resolve", new { code = "Fixed", resolution = "Merged the duplicates" });
        var t4 = (await requester.CreateAsync(TicketClient.NewTicket("T4 ERP down", impact: Impact.Unit, urgency: Urgency.High))).Id;
        app.Clock.SetUtcNow(Local(2, 9, 30));
        await engineer.ActOkAsync(t1, "resolve", new { code = "Fixed", resolution = "Reposted again" });
        app.Clock.SetUtcNow(Local(2, 10));
        await hq.ActOkAsync(t2, "hq-return", new { guidance = "Apply note 123" });
        await desk.ActOkAsync(t4, "triage", new { group = "JS-L2SYS" });
        await requester.ActOkAsync(t1, "confirm", new { satisfaction = 2 });
        app.Clock.SetUtcNow(Local(2, 11));
        await engineer.ActOkAsync(t2, "resolve", new { code = "Fixed", resolution = "Applied note 123" });
        app.Clock.SetUtcNow(Local(2, 12));
        await engineer.ActOkAsync(t4, "start");
        await engineer.ActOkAsync(t4, "resolve", new { code = "Fixed", resolution = "Restarted" });
        app.Clock.SetUtcNow(Local(2, 13, 30));
        var t5 = (await requester.CreateAsync(TicketClient.NewTicket("T5 new approval limit", Category.ConfigurationChange))).Id;
        await desk.ActOkAsync(t5, "triage", new { group = "JS-L2SYS" });
        await engineer.ActOkAsync(t5, "start");
        await engineer.ActOkAsync(t5, "request-approval", Given.Plan);
        await approver.ActOkAsync(t5, "approve", new { comment = "Go ahead" });
        await engineer.ActOkAsync(t5, "resolve", Given.ConfigurationChangeResolved());
        await approver.ActOkAsync(t5, "confirm", new { effective = true, satisfaction = 5 });
        var t6 = (await requester.CreateAsync(TicketClient.NewTicket("T6 raised by mistake"))).Id;
        await desk.ActOkAsync(t6, "cancel", new { reason = "Raised by mistake" });
        var t7 = (await requester.CreateAsync(TicketClient.NewTicket("T7 bulk price change", Category.DataChange))).Id;
        await desk.ActOkAsync(t7, "triage", new { group = "JS-L2SYS" });
        await engineer.ActOkAsync(t7, "start");
        await engineer.ActOkAsync(t7, "request-approval", Given.Plan);
        await approver.ActOkAsync(t7, "reject", new { reason = "Not this quarter" });
        await requester.CreateAsync(TicketClient.NewTicket("T8 waiting"));

        // Inspections of ERP at 15:00 on working days: 2 Dec's run passes, 3 Dec's is missed; then the plan stops.
        var plan = await Inspect.CreatePlanAsync(given.ItManager, Inspect.Plan(times: ["15:00"]));
        var planId = plan["id"]!.GetValue<long>();
        app.Clock.SetUtcNow(Local(2, 15));
        await Inspect.PassAsync(app);
        var run = (await Inspect.RunsAsync(given.ItManager, planId)).Single()!["id"]!.GetValue<long>();
        await Inspect.PostOkAsync(engineer, $"/api/v1/inspection-runs/{run}/start");
        await Inspect.PostOkAsync(engineer, $"/api/v1/inspection-runs/{run}/results",
            new { items = new[] { new { code = "LOGIN", result = "Pass" }, new { code = "POSTING", result = "Pass" } } });
        await Inspect.PostOkAsync(engineer, $"/api/v1/inspection-runs/{run}/complete");
        app.Clock.SetUtcNow(Local(3, 15));
        await Inspect.PassAsync(app);
        app.Clock.SetUtcNow(Local(3, 17, 1));
        await Inspect.PassAsync(app);
        var current = await Inspect.PostAsync(given.ItManager, $"/api/v1/inspection-plans/{planId}/deactivate", ifMatch: "\"1\"");
        await TicketClient.ExpectAsync(current, System.Net.HttpStatusCode.OK);

        // Thu 10 Dec, after the period: not counted in it.
        app.Clock.SetUtcNow(Local(10, 9));
        await requester.CreateAsync(TicketClient.NewTicket("T10 after the period"));
    }
}
