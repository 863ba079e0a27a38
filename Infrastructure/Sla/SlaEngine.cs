using System.Collections.Concurrent;
using System.Text.Json;
using Itsm.Domain.Organisation;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;

namespace Itsm.Infrastructure.Sla;

/// <summary>The policy a ticket runs under and the calendars in force, ready for the domain's clock arithmetic.</summary>
public sealed class SlaContext(SlaPolicy policy, IReadOnlyDictionary<string, BusinessCalendar> calendars)
{
    public SlaPolicy Policy { get; } = policy;

    public IReadOnlyDictionary<string, BusinessCalendar> Calendars { get; } = calendars;

    public BusinessCalendar Calendar(string code) => Calendars.TryGetValue(code, out var calendar)
        ? calendar : throw new InvalidOperationException($"Calendar '{code}' does not exist.");

    public IReadOnlyList<SlaClock> StartClocks(Ticket ticket) => TicketSla.Start(ticket, Policy, Calendar);

    /// <summary>When a ticket resolved now must be confirmed by: N working days on the policy's confirmation calendar.</summary>
    public DateTimeOffset ConfirmationDue(DateTimeOffset resolvedAt) =>
        Calendar(Policy.ConfirmationCalendar).AddWorkingDays(resolvedAt, Policy.ConfirmationWindowDays);

    /// <summary>
    /// The unit's business time zone, for what is counted per local year (ticket numbers): the calendar of the nearest rule
    /// for the unit's subtree, else the policy's business (confirmation) calendar; Asia/Shanghai when neither exists. One zone
    /// per unit whatever the priority, so tickets raised at the same instant share a year.
    /// </summary>
    public TimeZoneInfo TimeZoneOf(string unitPath)
    {
        var code = Policy.Rules.Where(r => r.Unit is not null && unitPath.Contains($"/{r.Unit}/", StringComparison.Ordinal))
                       .OrderByDescending(r => unitPath.IndexOf($"/{r.Unit}/", StringComparison.Ordinal)).ThenBy(r => r.Category is null ? 0 : 1)
                       .Select(r => r.Calendar).FirstOrDefault()
                   ?? Policy.ConfirmationCalendar;
        return Calendars.TryGetValue(code, out var calendar) ? calendar.TimeZone : TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    }

    /// <summary>Moves the clocks for a change just made to the ticket; records breaches found on stopping; returns whom to notify.</summary>
    public IReadOnlyList<Notification> OnChange(Ticket ticket, TicketAction action, TicketStatus from, List<SlaClock> clocks, DateTimeOffset now) =>
        Record(ticket, TicketSla.OnChange(ticket, action, from, clocks, Policy, Calendar, now), now);

    /// <summary>
    /// Records what has become due on the ticket's clocks (each warning and breach once), escalates to HQ when a
    /// resolution breach calls for it, and returns whom to notify.
    /// </summary>
    public (IReadOnlyList<Notification> Notifications, bool Escalated) Tick(Ticket ticket, List<SlaClock> clocks, DateTimeOffset now)
    {
        var events = clocks.SelectMany(c => c.Tick(now, Calendar(c.Calendar))).ToList();
        var notifications = Record(ticket, events, now).ToList();
        var rule = Policy.RuleFor(ticket.Priority, ticket.Category, ticket.UnitPath);
        var escalate = rule.AutoEscalateOnResolutionBreach
                       && events.Any(e => e.Type == SlaEventType.Breached && e.Clock.Kind == ClockKind.Resolution)
                       && ticket.AllowedActions(Actor.System, now).Contains(TicketAction.Escalate);
        if (escalate)
        {
            var from = ticket.Status;
            ticket.EscalateToHq(Actor.System, now, $"Resolution target of {ticket.Priority} breached: escalated by the SLA policy.", null);
            notifications.AddRange(OnChange(ticket, TicketAction.Escalate, from, clocks, now));
        }
        ticket.ShowSla(clocks);
        return (notifications, escalate);
    }

    private IReadOnlyList<Notification> Record(Ticket ticket, IReadOnlyList<ClockEvent> events, DateTimeOffset now)
    {
        var notifications = new List<Notification>();
        foreach (var e in events)
        {
            var details = new Dictionary<string, object?>
            {
                ["clock"] = e.Clock.Kind.ToString(), ["deadline"] = e.Deadline, ["targetMinutes"] = e.Clock.TargetMinutes, ["calendar"] = e.Clock.Calendar,
            };
            ticket.RecordSlaEvent(e.Type.Name(), now, details);
            var payload = JsonSerializer.Serialize(new { ticket = ticket.Number, ticket.Title, clock = e.Clock.Kind.ToString(), e.Deadline }, SlaStore.Json);
            // Up the hierarchy: the group working the ticket (line 1 while it has none); on a breach, the IT managers too.
            notifications.Add(ticket.GroupId is { } group
                ? Notify(ticket, e.Type, RecipientKind.Group, group, now, payload)
                : Notify(ticket, e.Type, RecipientKind.ServiceDesk, ticket.UnitPath, now, payload));
            if (e.Type == SlaEventType.Breached) notifications.Add(Notify(ticket, e.Type, RecipientKind.ItManagers, ticket.UnitPath, now, payload));
        }
        return notifications;
    }

    private static Notification Notify(Ticket ticket, SlaEventType type, RecipientKind kind, string recipient, DateTimeOffset now, string details) => new()
    {
        TicketId = ticket.Id, Type = type.Name(), RecipientKind = kind, Recipient = recipient, CreatedAt = now, Details = details,
    };
}

/// <summary>
/// Loads policies (immutable per version, cached for good) and calendars (cached briefly: PUT replaces them). A singleton
/// read by every request: each cache is one immutable snapshot, published with a single reference write, so a reader
/// sees a whole snapshot or none. A change bumps a generation; a load that began before the change publishes a
/// snapshot of the old generation, which no reader takes.
/// </summary>
public sealed class SlaEngine(SlaStore store, TimeProvider clock)
{
    private static readonly TimeSpan CalendarsFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LatestFor = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<int, SlaPolicy> _policies = new();
    private Snapshot<IReadOnlyDictionary<string, BusinessCalendar>>? _calendars;
    private Snapshot<int>? _latest;
    private long _calendarsGeneration;
    private long _policyGeneration;

    private sealed record Snapshot<T>(T Value, DateTimeOffset Until, long Generation);

    /// <summary>The policy version <paramref name="policyVersion"/>, or the one in force (looked up at most every few seconds).</summary>
    public async Task<SlaContext> ContextAsync(int? policyVersion, CancellationToken ct)
    {
        var version = policyVersion ?? await LatestVersionAsync(ct);
        if (!_policies.TryGetValue(version, out var policy))
        {
            policy = await store.PolicyAsync(version, ct) ?? throw new InvalidOperationException($"SLA policy version {version} does not exist.");
            policy = _policies.GetOrAdd(version, policy);
        }
        var calendars = await CalendarsAsync(ct);
        if (!Uses(policy).All(calendars.ContainsKey))
        {
            // Another instance added a calendar and then a policy naming it: this instance's calendars are older than
            // the policy, so read them again rather than wait for the cache to expire.
            CalendarsChanged();
            calendars = await CalendarsAsync(ct);
        }
        return new SlaContext(policy, calendars);
    }

    private static IEnumerable<string> Uses(SlaPolicy policy) => policy.Rules.Select(r => r.Calendar).Append(policy.ConfirmationCalendar);

    public async Task<IReadOnlyDictionary<string, BusinessCalendar>> CalendarsAsync(CancellationToken ct)
    {
        var generation = Interlocked.Read(ref _calendarsGeneration);
        if (Fresh(Volatile.Read(ref _calendars), generation) is { } cached) return cached.Value;
        IReadOnlyDictionary<string, BusinessCalendar> calendars =
            (await store.CalendarsAsync(ct)).ToDictionary(c => c.Code, c => c.Definition.ToCalendar(c.Code));
        Volatile.Write(ref _calendars, new(calendars, clock.GetUtcNow() + CalendarsFor, generation));
        return calendars;
    }

    private async Task<int> LatestVersionAsync(CancellationToken ct)
    {
        var generation = Interlocked.Read(ref _policyGeneration);
        if (Fresh(Volatile.Read(ref _latest), generation) is { } cached) return cached.Value;
        var version = await store.LatestPolicyVersionAsync(ct);
        Volatile.Write(ref _latest, new(version, clock.GetUtcNow() + LatestFor, generation));
        return version;
    }

    private Snapshot<T>? Fresh<T>(Snapshot<T>? snapshot, long generation) =>
        snapshot is not null && snapshot.Generation == generation && snapshot.Until > clock.GetUtcNow() ? snapshot : null;

    /// <summary>Forgets the cached latest version (after this instance stored a new one).</summary>
    public void PolicyChanged() => Interlocked.Increment(ref _policyGeneration);

    /// <summary>Forgets the cached calendars (after this instance changed one).</summary>
    public void CalendarsChanged() => Interlocked.Increment(ref _calendarsGeneration);
}
