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
                       && events.Any(e => e.Type == "sla.breached" && e.Clock.Kind == ClockKind.Resolution)
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
            ticket.RecordSlaEvent(e.Type, now, details);
            var payload = JsonSerializer.Serialize(new { ticket = ticket.Number, ticket.Title, clock = e.Clock.Kind.ToString(), e.Deadline }, SlaStore.Json);
            // Up the hierarchy: the group working the ticket (line 1 while it has none); on a breach, the IT managers too.
            notifications.Add(ticket.GroupId is { } group
                ? Notify(ticket, e.Type, "Group", group, now, payload)
                : Notify(ticket, e.Type, "ServiceDesk", ticket.UnitPath, now, payload));
            if (e.Type == "sla.breached") notifications.Add(Notify(ticket, e.Type, "ItManagers", ticket.UnitPath, now, payload));
        }
        return notifications;
    }

    private static Notification Notify(Ticket ticket, string type, string kind, string recipient, DateTimeOffset now, string details) => new()
    {
        TicketId = ticket.Id, Type = type, RecipientKind = kind, Recipient = recipient, CreatedAt = now, Details = details,
    };
}

/// <summary>Loads policies (immutable per version, cached for good) and calendars (cached briefly: PUT replaces them).</summary>
public sealed class SlaEngine(SlaStore store, TimeProvider clock)
{
    private static readonly TimeSpan CalendarsFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<int, SlaPolicy> _policies = new();
    private (IReadOnlyDictionary<string, BusinessCalendar> Calendars, DateTimeOffset Until)? _calendars;
    private (int Version, DateTimeOffset Until)? _latest;

    /// <summary>The policy version <paramref name="policyVersion"/>, or the one in force (looked up at most every few seconds).</summary>
    public async Task<SlaContext> ContextAsync(int? policyVersion, CancellationToken ct)
    {
        var version = policyVersion ?? await LatestVersionAsync(ct);
        if (!_policies.TryGetValue(version, out var policy))
        {
            policy = await store.PolicyAsync(version, ct) ?? throw new InvalidOperationException($"SLA policy version {version} does not exist.");
            _policies[version] = policy;
        }
        return new SlaContext(policy, await CalendarsAsync(ct));
    }

    public async Task<IReadOnlyDictionary<string, BusinessCalendar>> CalendarsAsync(CancellationToken ct)
    {
        if (_calendars is { } cached && cached.Until > clock.GetUtcNow()) return cached.Calendars;
        var calendars = (await store.CalendarsAsync(ct)).ToDictionary(c => c.Code, c => c.Definition.ToCalendar(c.Code));
        _calendars = (calendars, clock.GetUtcNow() + CalendarsFor);
        return calendars;
    }

    private async Task<int> LatestVersionAsync(CancellationToken ct)
    {
        if (_latest is { } latest && latest.Until > clock.GetUtcNow()) return latest.Version;
        var version = await store.LatestPolicyVersionAsync(ct);
        _latest = (version, clock.GetUtcNow() + TimeSpan.FromSeconds(5));
        return version;
    }

    /// <summary>Forgets the cached latest version (after this instance stored a new one).</summary>
    public void PolicyChanged() => _latest = null;

    /// <summary>Forgets the cached calendars (after this instance changed one).</summary>
    public void CalendarsChanged() => _calendars = null;
}
