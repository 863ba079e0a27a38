using System.Runtime.CompilerServices;
using Itsm.Domain.Inspections;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Inspections;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Infrastructure.Reports;

/// <summary>
/// The demo history's changes and inspections: configuration and account changes of the finance department's systems,
/// planned, approved or rejected, implemented and evaluated (some not effective, the first of each province never: its
/// evaluation is overdue), and a daily inspection of HR whose runs pass, fail (opening their finding) or are missed. Each
/// step goes through the same paths as the API's (<see cref="TicketChanges"/>, <see cref="InspectionRuns"/>) at its moment.
/// </summary>
public sealed partial class ReportDemo
{
    private static readonly (Category Category, string System, string Title, string What)[] ChangeSubjects =
    [
        (Category.ConfigurationChange, "ERP", "Raise the payment approval threshold", "Set payment.approval.threshold to 500000 in production"),
        (Category.AccountPermission, "ERP", "Posting rights for the new accountant", "Grant the FI-POSTING role to the new accountant's ERP account"),
        (Category.ConfigurationChange, "ESB", "Route the marketing interface to its new queue", "Point the marketing route at queue MKT.IN.2"),
        (Category.AccountPermission, "ERP", "Remove the leaver's approval rights", "Withdraw the FI-APPROVE role from the leaver's account"),
    ];

    /// <summary>A change every third working day, each begun as a life of its own; returns how many were raised.</summary>
    private async Task<int> ChangesAsync(Func<IAsyncEnumerable<DateTimeOffset>, Task> begin, TicketChanges changes, HistoryClock history, SlaContext sla,
        PriorityMatrix matrix, Unit unit, Cast cast, TimeZoneInfo zone, Random random, DateTimeOffset now, CancellationToken ct)
    {
        var count = 0;
        var workingDay = 0;
        for (var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now - History, zone).Date); ; day = day.AddDays(1))
        {
            var dayStart = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), zone.GetUtcOffset(day.ToDateTime(new TimeOnly(9, 0)))).ToUniversalTime();
            if (dayStart > now) break;
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || workingDay++ % 3 != 0) continue;
            var at = dayStart.AddMinutes(random.Next(0, 420));
            if (at > now) continue;
            await begin(ChangeAsync(changes, sla, matrix, unit, cast, random, at, now, count == 0, ct));
            count++;
        }
        return count;
    }

    private async IAsyncEnumerable<DateTimeOffset> ChangeAsync(TicketChanges changes, SlaContext sla, PriorityMatrix matrix, Unit unit, Cast cast,
        Random random, DateTimeOffset at, DateTimeOffset now, bool leftUnevaluated, [EnumeratorCancellation] CancellationToken ct)
    {
        var (category, systemId, title, what) = ChangeSubjects[random.Next(ChangeSubjects.Length)];
        if (await organisation.FindSystemAsync(systemId, ct) is not { } system) yield break;
        var (raised, _) = Ticket.Raise(new TicketRequest(title, "Requested for the demo history.", category, Impact.Individual, Urgency.Medium),
            cast.Requester, unit, system, matrix, at);
        if (raised is null) yield break;
        yield return at;
        var (ticket, _) = await changes.RaiseAsync(raised, sla, ct);
        var step = new DemoStep(changes, ticket.Id, ticket.Number, logger, ct);

        var group = category is Category.ConfigurationChange ? cast.System : cast.Business;
        var plan = new ChangePlan(what, "Through the change tool's transport", "Export of the current setting", "Checked in the test system",
            "Restore the exported setting");
        if ((at = at.AddMinutes(random.Next(20, 240))) > now) yield break;
        yield return at;
        if (!await step.TakeAsync(cast.ServiceDesk, TicketAction.Triage,
                (t, n, _) => t.Triage(cast.ServiceDesk, n, t.Category, t.Impact, t.Urgency, group, null, matrix, null))) yield break;
        if ((at = at.AddMinutes(random.Next(10, 60))) > now) yield break;
        yield return at;
        if (!await step.TakeAsync(cast.Engineer, TicketAction.Start, (t, n, _) => t.Start(cast.Engineer, n, null))) yield break;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if ((at = at.AddMinutes(random.Next(60, 600))) > now) yield break;
            yield return at;
            if (!await step.TakeAsync(cast.Engineer, TicketAction.RequestApproval,
                    (t, n, _) => t.RequestApproval(cast.Engineer, n, plan, new ChangeAssessment(ChangeRisk.Low, "Finance users of the province only")))) yield break;
            if (attempt == 0 && random.Next(6) == 0 && !leftUnevaluated)
            {
                if ((at = at.AddMinutes(random.Next(60, 1440))) > now) yield break;
                yield return at;
                await step.TakeAsync(cast.Approver, TicketAction.Reject, (t, n, _) => t.Reject(cast.Approver, n, "Not needed this quarter."));
                yield break;
            }
            if ((at = at.AddMinutes(random.Next(60, 1440))) > now) yield break;
            yield return at;
            if (!await step.TakeAsync(cast.Approver, TicketAction.Approve, (t, n, _) => t.Approve(cast.Approver, n, null))) yield break;
            if ((at = at.AddMinutes(random.Next(240, 2880))) > now) yield break;
            yield return at;
            if (!await step.TakeAsync(cast.Engineer, TicketAction.Resolve, (t, n, _) => t.Resolve(cast.Engineer, n, ResolutionCode.Fixed,
                    "Implemented as planned.", sla.ConfirmationDue(n), new Implementation(n, "Smoke test passed in production")))) yield break;
            if (leftUnevaluated) yield break;
            // One in five is found not effective the first time: back to work, approved and implemented again.
            var effective = attempt == 1 || random.Next(5) != 0;
            if ((at = at.AddMinutes(random.Next(600, 4320))) > now) yield break;
            yield return at;
            if (!await step.TakeAsync(cast.Approver, TicketAction.Confirm, (t, n, _) => t.ConfirmResolution(cast.Approver, n,
                    new Confirmation(effective, null, effective ? "Works as planned." : "Users still cannot post: the role lacks a company code.")))) yield break;
            if (effective) yield break;
        }
    }

    /// <summary>The province's daily HR inspection over the history: most runs pass, some fail (their finding is raised), some are missed.</summary>
    private async Task<int> InspectionRunsAsync(TicketChanges changes, HistoryClock history, Unit unit, Cast cast, Random random, DateTimeOffset now,
        CancellationToken ct)
    {
        var schedule = new InspectionSchedule("CN-BUSINESS", ["10:00"], "Daily");
        if (!(await engine.CalendarsAsync(ct)).TryGetValue(schedule.Calendar, out var calendar)) return 0;
        var start = now - History;
        var definition = new PlanDefinition("HR", unit.Id, "HR daily inspection (demo history)", cast.Business.Id, schedule, 240,
        [
            new InspectionItem("LOGIN", "Log in to HR and open the payroll workbench", ItemKind.Manual),
            new InspectionItem("PAYROLL", "Payroll totals agree with the ledger", ItemKind.Manual, Impact: Impact.Unit, Urgency: Urgency.High),
        ]);
        var first = schedule.NextAfter(start, calendar);
        history.Now = start;
        var planId = await inspections.InsertPlanAsync(new InspectionPlan(0, unit.Path, 1, true, definition, first, start, "demo-data", start, "demo-data"), ct);
        var plan = new InspectionPlan(planId, unit.Path, 1, true, definition, first, start, "demo-data", start, "demo-data");
        var findings = new InspectionFindings(changes, tickets, organisation, engine, inspections, history);
        var runs = new InspectionRuns(inspections, findings, history);
        var count = 0;
        // Runs whose window is still open (or not yet due) are left to the scheduler.
        for (var at = first; at is { } due && due.AddMinutes(definition.WindowMinutes) < now; at = schedule.NextAfter(due, calendar))
        {
            history.Now = due;
            var run = await inspections.CreateRunAsync(InspectionRun.Schedule(plan, unit.Id, due), (due, schedule.NextAfter(due, calendar)), ct);
            count++;
            var fate = random.Next(10);
            if (fate == 0)
            {
                history.Now = run.Deadline.AddMinutes(5);
                await runs.ChangeAsync(run.Id, Actor.System, (r, n) => r.Miss(n), ct);
                continue;
            }
            var failed = fate == 1;
            history.Now = due.AddMinutes(random.Next(5, 60));
            await runs.ChangeAsync(run.Id, cast.Engineer, (r, n) => r.Start(cast.Engineer, n), ct);
            history.Now = history.Now.AddMinutes(random.Next(10, 60));
            await runs.ChangeAsync(run.Id, cast.Engineer, (r, n) => r.Record(cast.Engineer, n,
            [
                new ItemRecord("LOGIN", ItemResult.Pass, null),
                new ItemRecord("PAYROLL", failed ? ItemResult.Fail : ItemResult.Pass, failed ? "Payroll total is 1,200.00 above the ledger" : null),
            ]) ?? r.Complete(cast.Engineer, n), ct);
        }
        return count;
    }
}
