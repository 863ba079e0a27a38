using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using System.Runtime.CompilerServices;
using Itsm.Infrastructure.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

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
    Itsm.Infrastructure.Inspections.InspectionStore inspections, TimeProvider clock, IOptions<LeaseOptions> leaseOptions, ILogger<ReportDemo> logger)
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
        // Every ticket's life is a sequence of moments; they are played in the order of time, with the service's own
        // scheduler passes at the moments they fall due, so that warnings, breaches, escalations and auto-closes happen
        // when they would have happened.
        var lives = new PriorityQueue<IAsyncEnumerator<DateTimeOffset>, DateTimeOffset>();
        async Task Begin(IAsyncEnumerable<DateTimeOffset> life)
        {
            var moments = life.GetAsyncEnumerator(ct);
            if (await moments.MoveNextAsync()) lives.Enqueue(moments, moments.Current);
            else await moments.DisposeAsync();
        }
        foreach (var province in new[] { "JS", "ZJ" })
        {
            if (await organisation.FindUnitAsync(province, ct) is not { } unit || hq is null) continue;
            var cast = await CastAsync(province, ct);
            if (cast is null) continue;
            var zone = sla.TimeZoneOf(unit.Path);
            count += await ChangesAsync(Begin, changes, history, sla, matrix, unit, cast, zone, new Random(province == "JS" ? 7 : 8), now, ct);
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
                    await Begin(LifeAsync(changes, sla, matrix, unit, cast, hq, random, raisedAt, now, ct));
                    count++;
                }
            }
        }
        var scheduler = new SlaScheduler(changes, slaStore, history, NullLogger<SlaScheduler>.Instance, new JobLeases(database, history, leaseOptions));
        history.Now = now - History;
        while (lives.TryDequeue(out var moments, out var at))
        {
            await SchedulerUntilAsync(scheduler, history, at, ct);
            history.Now = at;
            if (await moments.MoveNextAsync()) lives.Enqueue(moments, moments.Current);
            else await moments.DisposeAsync();
        }
        await SchedulerUntilAsync(scheduler, history, now, ct);
        await scheduler.ReleaseLeaseAsync(ct);
        logger.LogInformation("Seeded {Count} demo tickets and {Runs} inspection runs over the last {Days} days in {Seconds:0.0} s", count, runs, History.TotalDays,
            TimeProvider.System.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Runs a scheduler pass at each moment something falls due, up to <paramref name="until"/>.</summary>
    private async Task SchedulerUntilAsync(SlaScheduler scheduler, HistoryClock history, DateTimeOffset until, CancellationToken ct)
    {
        // Strictly later moments only: each pass also takes whatever was due before, so the history always moves on.
        while (await slaStore.NextDueAsync(history.Now, ct) is { } due && due <= until)
        {
            // A second after: the confirmation window is over only once its last instant has passed.
            history.Now = due.AddSeconds(1);
            await scheduler.RunPassAsync(ct);
        }
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

    /// <summary>
    /// One ticket's life: each step happens some minutes after the last, unless that is after now. It yields the moment of
    /// its next step and takes it when the history has come to that moment.
    /// </summary>
    private async IAsyncEnumerable<DateTimeOffset> LifeAsync(TicketChanges changes, SlaContext sla, PriorityMatrix matrix, Unit unit, Cast cast,
        Actor hq, Random random, DateTimeOffset at, DateTimeOffset now, [EnumeratorCancellation] CancellationToken ct)
    {
        var category = Categories[random.Next(Categories.Length)];
        var (systemId, title) = Subjects[random.Next(Subjects.Length)];
        if (await organisation.FindSystemAsync(systemId, ct) is not { } system) yield break;
        var (impact, urgency) = random.Next(20) == 0 ? (Impact.Unit, Urgency.High) : random.Next(3) == 0 ? (Impact.Individual, Urgency.High) : (Impact.Individual, Urgency.Medium);
        var (raised, _) = Ticket.Raise(new TicketRequest(title, "Raised for the demo history.", category, impact, urgency), cast.Requester, unit, system, matrix, at);
        if (raised is null) yield break;
        yield return at;
        var (ticket, _) = await changes.RaiseAsync(raised, sla, ct);
        var step = new DemoStep(changes, ticket.Id, ticket.Number, logger, ct);

        var resolve = (Func<Ticket, DateTimeOffset, SlaContext, TicketError?>)((t, n, s) =>
            t.Resolve(t.GroupId is null ? cast.ServiceDesk : cast.Engineer, n, ResolutionCode.Fixed, "Done.", s.ConfirmationDue(n), Implementation.None));
        var firstContact = random.Next(8) == 0;
        if (firstContact)
        {
            // Line 1 answers it at first contact.
            if ((at = at.AddMinutes(random.Next(5, 40))) > now) yield break;
            yield return at;
            if (!await step.TakeAsync(cast.ServiceDesk, TicketAction.Resolve, (t, n, s) =>
                    t.Resolve(cast.ServiceDesk, n, ResolutionCode.Fixed, "Guided the user.", s.ConfirmationDue(n), Implementation.None))) yield break;
        }
        else
        {
            var group = category is Category.ApplicationProblem ? cast.System : cast.Business;
            if ((at = at.AddMinutes(random.Next(10, 300))) > now) yield break;
            yield return at;
            if (!await step.TakeAsync(cast.ServiceDesk, TicketAction.Triage,
                    (t, n, _) => t.Triage(cast.ServiceDesk, n, t.Category, t.Impact, t.Urgency, group, null, matrix, null))) yield break;
            if ((at = at.AddMinutes(random.Next(5, 60))) > now) yield break;
            yield return at;
            if (!await step.BackFromHqAsync(hq) || !await step.TakeAsync(cast.Engineer, TicketAction.Start, (t, n, _) => t.Start(cast.Engineer, n, null))) yield break;
            if (random.Next(12) == 0)
            {
                if ((at = at.AddMinutes(random.Next(30, 240))) > now) yield break;
                yield return at;
                // The policy may have escalated it already.
                if (!await step.TakeAsync(cast.Engineer, TicketAction.Escalate,
                        (t, n, _) => t.EscalateToHq(cast.Engineer, n, "Central defect", "Reproduced it in QA"), t => t.Status != TicketStatus.EscalatedToHq)) { }
                if ((at = at.AddMinutes(random.Next(240, 2880))) > now) yield break;
                yield return at;
                if (!await step.BackFromHqAsync(hq)) yield break;
            }
            if ((at = at.AddMinutes(random.Next(30, 2400))) > now) yield break;
            yield return at;
            if (!await step.BackFromHqAsync(hq) || !await step.TakeAsync(cast.Engineer, TicketAction.Resolve, resolve)) yield break;
        }
        if (random.Next(10) == 0)
        {
            if ((at = at.AddMinutes(random.Next(60, 1440))) > now) yield break;
            yield return at;
            // Unless it was auto-closed first.
            if (!await step.TakeAsync(cast.Requester, TicketAction.Reopen, (t, n, _) => t.Reopen(cast.Requester, n, "It happens again."),
                    t => t.Status == TicketStatus.Resolved)) yield break;
            if ((at = at.AddMinutes(random.Next(30, 600))) > now) yield break;
            yield return at;
            // A reopened ticket is in progress with whoever held it: one line 1 answered is back with line 1, which could
            // answer it again; here the service desk hands it to line 2, whose engineer resolves it.
            if (firstContact && !await step.TakeAsync(cast.ServiceDesk, TicketAction.Reassign,
                    (t, n, _) => t.Reassign(cast.ServiceDesk, n, category is Category.ApplicationProblem ? cast.System : cast.Business, null,
                        "Not solved at first contact."))) yield break;
            if (!await step.BackFromHqAsync(hq) || !await step.TakeAsync(cast.Engineer, TicketAction.Resolve, resolve)) yield break;
        }
        if (random.Next(10) < 7)
        {
            var satisfaction = random.Next(10) switch { 0 => 2, < 3 => 3, < 6 => 4, _ => 5 };
            if ((at = at.AddMinutes(random.Next(30, 2880))) > now) yield break;
            yield return at;
            await step.TakeAsync(cast.Requester, TicketAction.Confirm,
                (t, n, _) => t.ConfirmResolution(cast.Requester, n, new Confirmation(null, satisfaction, null)), t => t.Status == TicketStatus.Resolved);
        }
    }

    /// <summary>
    /// Takes a demo ticket's steps through <see cref="TicketChanges"/>. A step whose <c>meant</c> condition the scheduler
    /// has made untrue (auto-closed, escalated by the policy) is not taken; nor is one the workflow refuses: the demo
    /// ticket then stays where its life stopped, rather than stopping the service's start over demonstration data.
    /// </summary>
    private sealed class DemoStep(TicketChanges changes, long id, string number, ILogger logger, CancellationToken ct)
    {
        public async Task<bool> TakeAsync(Actor actor, TicketAction action, Func<Ticket, DateTimeOffset, SlaContext, TicketError?> act,
            Func<Ticket, bool>? meant = null)
        {
            var change = await changes.ApplyAsync(id, actor, action, meant ?? (_ => true), (t, s, n) => Task.FromResult<object?>(act(t, n, s)), null, ct);
            return change.Result switch
            {
                ChangeResult.Saved => true,
                ChangeResult.Stale when meant is not null => false,
                _ => Skipped(),
            };

            bool Skipped()
            {
                logger.LogInformation("Demo history: {Action} of {Number} by {Actor} not taken ({Result}: {Reason}); the demo ticket stays where it is",
                    action, number, actor.Name, change.Result, Describe(change.Refusal));
                return false;
            }
        }

        /// <summary>HQ hands back a ticket the policy escalated on a breach before line 2 goes on with it.</summary>
        public async Task<bool> BackFromHqAsync(Actor hq)
        {
            await TakeAsync(hq, TicketAction.HqReturn, (t, n, _) => t.ReturnFromHq(hq, n, "Apply the central fix."), t => t.Status == TicketStatus.EscalatedToHq);
            return true;
        }

        private static string Describe(object? refusal) => refusal switch
        {
            null => "no reason given",
            TicketError e => e.ToString(),
            _ => refusal.ToString() ?? "",
        };
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
