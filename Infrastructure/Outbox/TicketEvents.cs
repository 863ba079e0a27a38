using System.Text.Json;
using Itsm.Domain.Inspections;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;

namespace Itsm.Infrastructure.Outbox;

/// <summary>
/// An event others must hear about, written in the same transaction as the change. It is about a ticket, an inspection run
/// or another subject (<see cref="Subject"/>, e.g. <c>access-review:7</c>); subscriptions get it by its <see cref="UnitPath"/>.
/// </summary>
public sealed record OutboxEvent(string EventId, string Type, long? TicketId, string UnitPath, string Payload, DateTimeOffset OccurredAt,
    long? InspectionRunId = null, string? Subject = null)
{
    /// <summary>The size of the outbox's subject column on both databases.</summary>
    public const int MaxSubjectLength = 200;
}

/// <summary>
/// The event catalogue: which changes others hear about, and what they receive. Every <see cref="TicketAction"/> has an
/// event type here or is declared <see cref="Silent"/>, so a new action cannot be forgotten.
/// </summary>
public static class TicketEvents
{
    /// <summary>The event type of each action others hear about (several actions may close a ticket).</summary>
    public static readonly IReadOnlyDictionary<TicketAction, string> ByAction = new Dictionary<TicketAction, string>
    {
        [TicketAction.Request] = "ticket.created", [TicketAction.Triage] = "ticket.triaged", [TicketAction.Reassign] = "ticket.assigned",
        [TicketAction.Escalate] = "ticket.escalated", [TicketAction.HqReturn] = "ticket.hq_returned", [TicketAction.Resolve] = "ticket.resolved",
        [TicketAction.Reopen] = "ticket.reopened", [TicketAction.Confirm] = "ticket.closed", [TicketAction.Reject] = "ticket.closed",
        [TicketAction.AutoClose] = "ticket.closed", [TicketAction.Cancel] = "ticket.cancelled", [TicketAction.Comment] = "ticket.commented",
        [TicketAction.Edit] = "ticket.updated", [TicketAction.MarkDuplicate] = "ticket.cancelled",
    };

    /// <summary>Actions others do not hear about: work within the unit, visible on the ticket and in its history.</summary>
    public static readonly IReadOnlySet<TicketAction> Silent = new HashSet<TicketAction>
    {
        TicketAction.Start, TicketAction.Plan, TicketAction.RequestApproval, TicketAction.Approve, TicketAction.Hold, TicketAction.Resume,
    };

    /// <summary>Service-level events are published under their own names.</summary>
    public static readonly IReadOnlyDictionary<SlaEventType, string> BySlaEvent =
        Enum.GetValues<SlaEventType>().ToDictionary(t => t, t => t.Name());

    /// <summary>What the service records on a ticket without an action, published under these names.</summary>
    public static readonly IReadOnlyDictionary<string, string> ByRecordedEvent = new Dictionary<string, string>
    {
        [Ticket.EvaluationOverdueEvent] = "ticket.evaluation_overdue",
        [Itsm.Domain.Attachments.AttachmentRules.AddedEvent] = "ticket.attachment_added",
    };

    /// <summary>Events about inspection runs (not tickets), by the state a run ends in.</summary>
    public static readonly IReadOnlyDictionary<RunState, string> ByRunEnd = new Dictionary<RunState, string>
    {
        [RunState.Passed] = "inspection.completed", [RunState.Failed] = "inspection.failed", [RunState.Missed] = "inspection.missed",
    };

    /// <summary>A ticket wrote to a system's configuration inventory (a configuration change's new values, as it was resolved).</summary>
    public const string ConfigurationChanged = "configuration.changed";

    /// <summary>Events about the account register: an AccountPermission resolve changed an account (one event per change).</summary>
    public static readonly IReadOnlyList<string> AccountEvents = ["account.changed"];

    /// <summary>Events about access reviews: every item decided, or past its due time with items undecided (once).</summary>
    public const string AccessReviewCompleted = "access-review.completed";
    public const string AccessReviewOverdue = "access-review.overdue";

    /// <summary>Every event type, in the catalogue's order (subscriptions name these).</summary>
    public static readonly IReadOnlyList<string> Types = ByAction.Values.Concat(BySlaEvent.Values).Concat(ByRecordedEvent.Values).Concat(ByRunEnd.Values)
        .Concat(AccountEvents).Append(ConfigurationChanged).Append(AccessReviewCompleted).Append(AccessReviewOverdue).Distinct().ToList();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The event type of a history entry; null for what others do not hear about (silent actions, internal notes, HQ's acknowledgements).</summary>
    public static string? TypeOf(HistoryEntry entry) =>
        entry.Internal ? null
        // A change evaluated not effective goes back to work: others hear it as a reopen (its details say why).
        : TicketActionNames.TryParse(entry.Action, out var action) ? action == TicketAction.Confirm && entry.To == TicketStatus.InProgress
            ? ByAction[TicketAction.Reopen] : ByAction.GetValueOrDefault(action)
        : SlaEventTypes.TryParse(entry.Action, out var sla) ? BySlaEvent[sla]
        : ByRecordedEvent.GetValueOrDefault(entry.Action);

    /// <summary>
    /// An event's id: unique and time-ordered (a version 7 UUID of the instant), so that each new event lands at the end of
    /// the outbox's unique index instead of on a random page of it, which at millions of events is a page read per event.
    /// </summary>
    internal static string EventId(DateTimeOffset at) => "evt_" + Guid.CreateVersion7(at).ToString("N");

    public static IEnumerable<OutboxEvent> From(Ticket ticket, IEnumerable<HistoryEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (TypeOf(entry) is not { } type) continue;
            var id = EventId(entry.At);
            var payload = JsonSerializer.Serialize(new
            {
                id, type, occurredAt = entry.At,
                ticket = new
                {
                    id = ticket.Id, number = ticket.Number, unit = ticket.UnitId, system = ticket.SystemId, title = ticket.Title,
                    category = ticket.Category.ToString(), priority = ticket.Priority.ToString(), status = ticket.Status.ToString(),
                    group = ticket.GroupId, assignee = ticket.AssigneeId, requester = ticket.RequesterId, raisedBy = ticket.RaisedBy,
                    hqGroup = ticket.HqGroup,
                },
                actor = entry.ActorId, details = entry.Details,
            }, Json);
            yield return new OutboxEvent(id, type, ticket.Id, ticket.UnitPath, payload, entry.At);
        }
    }

    /// <summary>The event of a run that has just ended (passed, failed or missed); null while it is open.</summary>
    public static OutboxEvent? From(InspectionRun run, string actor, DateTimeOffset at)
    {
        if (!ByRunEnd.TryGetValue(run.State, out var type)) return null;
        var id = EventId(at);
        var payload = JsonSerializer.Serialize(new
        {
            id, type, occurredAt = at,
            inspectionRun = new
            {
                id = run.Id, plan = run.PlanId, planName = run.PlanName, unit = run.UnitId, system = run.SystemId, group = run.GroupId,
                scheduledAt = run.ScheduledAt, deadline = run.Deadline, state = run.State.ToString(),
                failedItems = run.Items.Where(i => i.Result == ItemResult.Fail).Select(i => i.Item.Code).ToList(),
            },
            actor, details = new { },
        }, Json);
        return new OutboxEvent(id, type, null, run.UnitPath, payload, at, run.Id);
    }

    /// <summary>
    /// The event of writes to a system's inventory: a ticket's new versions (a configuration change's resolve, or an item
    /// entered with its ticket: <paramref name="ticketId"/> set), or one item entered without a ticket (its subject names it).
    /// </summary>
    public static OutboxEvent ConfigurationChange(string system, string unitPath, IReadOnlyList<Itsm.Domain.Configuration.ConfigurationItem> items,
        long? ticketId, string actor, DateTimeOffset at)
    {
        var id = EventId(at);
        var payload = JsonSerializer.Serialize(new
        {
            id, type = ConfigurationChanged, occurredAt = at,
            configuration = new
            {
                system, ticket = ticketId, source = ticketId is null ? "Create" : "Ticket", count = items.Count,
                items = items.Select(i => new { key = i.Key, environment = i.Environment, unit = i.UnitId, version = i.Version, createdBy = i.CreatedBy.ToString() }),
            },
            actor, details = new { },
        }, Json);
        var subject = ticketId is null && items is [var only] ? Fit($"configuration:{system}:{only.UnitId}:{only.Environment}:{only.Key}") : null;
        return new OutboxEvent(id, ConfigurationChanged, ticketId, unitPath, payload, at, Subject: subject);
    }

    /// <summary>
    /// The event of an import into a system's inventory (without a ticket): one per import, with the number of items entered
    /// (an initial load may hold thousands: receivers read the inventory for the items).
    /// </summary>
    public static OutboxEvent ConfigurationImport(string system, string unitId, string unitPath, int count, string actor, DateTimeOffset at)
    {
        var id = EventId(at);
        var payload = JsonSerializer.Serialize(new
        {
            id, type = ConfigurationChanged, occurredAt = at,
            configuration = new { system, ticket = (long?)null, source = "Import", unit = unitId, count, items = Array.Empty<object>() },
            actor, details = new { },
        }, Json);
        return new OutboxEvent(id, ConfigurationChanged, null, unitPath, payload, at, Subject: Fit($"configuration:{system}:{unitId}"));
    }

    /// <summary>The event of an access review that was completed or became overdue (<paramref name="type"/>).</summary>
    public static OutboxEvent AccessReview(string type, Itsm.Domain.Accounts.AccessReview review, string actor, DateTimeOffset at)
    {
        var id = EventId(at);
        var payload = JsonSerializer.Serialize(new
        {
            id, type, occurredAt = at,
            accessReview = new
            {
                id = review.Id, system = review.SystemId, unit = review.UnitId, department = review.Department, period = review.Period,
                state = type == AccessReviewCompleted ? "Completed" : "Overdue", dueBy = review.DueBy, openedAt = review.OpenedAt,
            },
            actor, details = new { },
        }, Json);
        return new OutboxEvent(id, type, null, review.UnitPath, payload, at, Subject: review.Subject);
    }

    /// <summary>A subject names what an event is about; a longer one is cut to its column (the payload carries the whole names).</summary>
    private static string Fit(string subject) => subject.Length <= OutboxEvent.MaxSubjectLength ? subject : subject[..OutboxEvent.MaxSubjectLength];
}
