using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Reports;

/// <summary>
/// Two months of demo history (with the demo organisation, when <c>Reports:DemoHistory</c> is on, as in Development), so
/// that the demo's work report is not empty: a few hundred tickets of JS and ZJ raised on working days and taken through
/// their real lifecycle (triage, start, escalation to HQ and back, resolution at first contact or by line 2, reopen,
/// confirmation with a rating) by the demo users, each change made through <see cref="TicketChanges"/> with its clock moved
/// to the moment it happened, so that SLA clocks, history and business minutes are what they would have been. Events that
/// would fall after now do not happen: recent tickets stay open. Changes and inspection runs have their history too (see
/// the other part of this class). The same seed gives the same history.
/// </summary>
public sealed partial class ReportDemo(Database database, TicketStore tickets, SlaStore slaStore, SlaEngine engine, OrganisationStore organisation,
    Itsm.Infrastructure.Inspections.InspectionStore inspections, TimeProvider clock, ILogger<ReportDemo> logger)
{
    public static readonly TimeSpan History = TimeSpan.FromDays(61);

    private static readonly Category[] Categories =
        [Category.ApplicationProblem, Category.ApplicationProblem, Category.ApplicationProblem, Category.UserGuidance, Category.UserGuidance,
         Category.MasterData, Category.DataQualityIssue];

    private static readonly (string System, string Title)[] Subjects =
    [
        ("ERP", "Invoice posting fails with a period error"), ("ERP", "Cannot open the purchase order workbench"),
        ("ERP", "Vendor master record duplicated"), ("HR", "Payroll report shows last month's figures"),
        ("HR", "New employee cannot log in"), ("ESB", "Interface queue to the marketing system is stuck"),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        var started = TimeProvider.System.GetTimestamp();
        var now = clock.GetUtcNow();
        var history = new HistoryClock(now - History);
        var changes = new TicketChanges(database, tickets, slaStore, engine, history);
        var sla = await engine.ContextAsync(null, ct);
        var matrix = await organisation.PriorityMatrixAsync(ct);
        var hq = await organisation.FindActorByKeyAsync("demo-hq-engineer", ct);
        var random = new Random(13);
        var (count, runs) = (0, 0);
        foreach (var province in new[] { "JS", "ZJ" })
        {
            if (await organisation.FindUnitAsync(province, ct) is not { } unit || hq is null) continue;
            var cast = await CastAsync(province, ct);
            if (cast is null) continue;
            var zone = sla.TimeZoneOf(unit.Path);
            count += await ChangesAsync(changes, history, sla, matrix, unit, cast, zone, new Random(province == "JS" ? 7 : 8), now, ct);
            runs += await InspectionRunsAsync(changes, history, unit, cast, new Random(province == "JS" ? 9 : 10), now, ct);
            for (var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now - History, zone).Date); ; day = day.AddDays(1))
            {
                // Stored instants are UTC: on SQLite they are compared as text, which an offset would misorder.
                var dayStart = new DateTimeOffset(day.ToDateTime(new TimeOnly(8, 30)), zone.GetUtcOffset(day.ToDateTime(new TimeOnly(8, 30)))).ToUniversalTime();
                if (dayStart > now) break;
                if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
                for (int i = 0, n = random.Next(1, 4); i < n; i++)
                {
                    var raisedAt = dayStart.AddMinutes(random.Next(0, 480));
                    if (raisedAt > now) continue;
                    await LifeAsync(changes, history, sla, matrix, unit, cast, hq, random, raisedAt, now, ct);
                    count++;
                }
            }
        }
        logger.LogInformation("Seeded {Count} demo tickets and {Runs} inspection runs over the last {Days} days in {Seconds:0.0} s", count, runs, History.TotalDays,
            TimeProvider.System.GetElapsedTime(started).TotalSeconds);
    }

    private sealed record Cast(Actor Requester, Actor ServiceDesk, Actor Engineer, SupportGroup System, SupportGroup Business, Actor Approver);

    private async Task<Cast?> CastAsync(string province, CancellationToken ct)
    {
        var prefix = "demo-" + province.ToLowerInvariant();
        var requester = await organisation.FindActorByKeyAsync(prefix + "-requester", ct);
        var desk = await organisation.FindActorByKeyAsync(prefix + "-servicedesk", ct);
        var engineer = await organisation.FindActorByKeyAsync(prefix + "-engineer", ct);
        var l2System = await organisation.FindGroupAsync(province + "-L2SYS", ct);
        var l2Business = await organisation.FindGroupAsync(province + "-L2BIZ", ct);
        var approver = await organisation.FindActorByKeyAsync(prefix + "-approver", ct);
        return requester is null || desk is null || engineer is null || l2System is null || l2Business is null || approver is null
            ? null : new Cast(requester, desk, engineer, l2System, l2Business, approver);
    }

    /// <summary>One ticket's life: each step happens some minutes after the last, unless that is after now.</summary>
    private async Task LifeAsync(TicketChanges changes, HistoryClock history, SlaContext sla, PriorityMatrix matrix, Unit unit, Cast cast,
        Actor hq, Random random, DateTimeOffset at, DateTimeOffset now, CancellationToken ct)
    {
        var category = Categories[random.Next(Categories.Length)];
        var (systemId, title) = Subjects[random.Next(Subjects.Length)];
        if (await organisation.FindSystemAsync(systemId, ct) is not { } system) return;
        var (impact, urgency) = random.Next(20) == 0 ? (Impact.Unit, Urgency.High) : random.Next(3) == 0 ? (Impact.Individual, Urgency.High) : (Impact.Individual, Urgency.Medium);
        var (raised, _) = Ticket.Raise(new TicketRequest(title, "Raised for the demo history.", category, impact, urgency), cast.Requester, unit, system, matrix, at);
        if (raised is null) return;
        history.Now = at;
        var (ticket, _) = await changes.RaiseAsync(raised, sla, ct);
        var id = ticket.Id;

        async Task<bool> Step(int minutes, Actor actor, TicketAction action, Func<Ticket, DateTimeOffset, SlaContext, TicketError?> act)
        {
            at = at.AddMinutes(minutes);
            if (at > now) return false;
            history.Now = at;
            var change = await changes.ApplyAsync(id, actor, action, _ => true, (t, s, n) => Task.FromResult<object?>(act(t, n, s)), null, ct);
            return change.Result == ChangeResult.Saved;
        }

        var resolve = (Func<Ticket, DateTimeOffset, SlaContext, TicketError?>)((t, n, s) =>
            t.Resolve(t.GroupId is null ? cast.ServiceDesk : cast.Engineer, n, ResolutionCode.Fixed, "Done.", s.ConfirmationDue(n), Implementation.None));
        if (random.Next(8) == 0)
        {
            // Line 1 answers it at first contact.
            if (!await Step(random.Next(5, 40), cast.ServiceDesk, TicketAction.Resolve, (t, n, s) =>
                    t.Resolve(cast.ServiceDesk, n, ResolutionCode.Fixed, "Guided the user.", s.ConfirmationDue(n), Implementation.None))) return;
        }
        else
        {
            var group = category is Category.ApplicationProblem ? cast.System : cast.Business;
            if (!await Step(random.Next(10, 300), cast.ServiceDesk, TicketAction.Triage,
                    (t, n, _) => t.Triage(cast.ServiceDesk, n, t.Category, t.Impact, t.Urgency, group, null, matrix, null))) return;
            if (!await Step(random.Next(5, 60), cast.Engineer, TicketAction.Start, (t, n, _) => t.Start(cast.Engineer, n, null))) return;
            if (random.Next(12) == 0)
            {
                if (!await Step(random.Next(30, 240), cast.Engineer, TicketAction.Escalate,
                        (t, n, _) => t.EscalateToHq(cast.Engineer, n, "Central defect", "Reproduced it in QA"))) return;
                if (!await Step(random.Next(240, 2880), hq, TicketAction.HqReturn, (t, n, _) => t.ReturnFromHq(hq, n, "Apply the central fix."))) return;
            }
            if (!await Step(random.Next(30, 2400), cast.Engineer, TicketAction.Resolve, resolve)) return;
        }
        if (random.Next(10) == 0)
        {
            if (!await Step(random.Next(60, 1440), cast.Requester, TicketAction.Reopen, (t, n, _) => t.Reopen(cast.Requester, n, "It happens again."))) return;
            if (!await Step(random.Next(30, 600), cast.Engineer, TicketAction.Resolve, resolve)) return;
        }
        if (random.Next(10) < 7)
        {
            var satisfaction = random.Next(10) switch { 0 => 2, < 3 => 3, < 6 => 4, _ => 5 };
            await Step(random.Next(30, 2880), cast.Requester, TicketAction.Confirm,
                (t, n, _) => t.ConfirmResolution(cast.Requester, n, new Confirmation(null, satisfaction, null)));
        }
    }

    /// <summary>The clock of the history being written: each change happens when this says.</summary>
    private sealed class HistoryClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}

/// <summary>Configuration section <c>Reports</c>.</summary>
public sealed class ReportOptions
{
    /// <summary>Seed two months of demo history with the demo organisation (on in Development).</summary>
    public bool DemoHistory { get; set; }
}
