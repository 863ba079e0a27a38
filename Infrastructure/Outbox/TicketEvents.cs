using System.Text.Json;
using Itsm.Domain.Tickets;

namespace Itsm.Infrastructure.Outbox;

/// <summary>An event others must hear about, written in the same transaction as the change.</summary>
public sealed record OutboxEvent(string EventId, string Type, long TicketId, string UnitPath, string Payload, DateTimeOffset OccurredAt);

/// <summary>The event catalogue: which history entries others hear about, and what they receive.</summary>
public static class TicketEvents
{
    public static readonly IReadOnlyList<string> Types =
    [
        "ticket.created", "ticket.triaged", "ticket.assigned", "ticket.escalated", "ticket.hq_returned", "ticket.resolved",
        "ticket.reopened", "ticket.closed", "ticket.cancelled", "ticket.commented", "sla.warning", "sla.breached",
    ];

    private static readonly Dictionary<string, string> ByAction = new()
    {
        ["request"] = "ticket.created", ["triage"] = "ticket.triaged", ["reassign"] = "ticket.assigned", ["escalate"] = "ticket.escalated",
        ["hq-return"] = "ticket.hq_returned", ["resolve"] = "ticket.resolved", ["reopen"] = "ticket.reopened", ["confirm"] = "ticket.closed",
        ["reject"] = "ticket.closed", ["auto-close"] = "ticket.closed", ["cancel"] = "ticket.cancelled", ["comment"] = "ticket.commented",
        ["sla.warning"] = "sla.warning", ["sla.breached"] = "sla.breached",
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEnumerable<OutboxEvent> From(Ticket ticket, IEnumerable<HistoryEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Internal || !ByAction.TryGetValue(entry.Action, out var type)) continue;
            var id = "evt_" + Guid.NewGuid().ToString("N");
            var payload = JsonSerializer.Serialize(new
            {
                id, type, occurredAt = entry.At,
                ticket = new
                {
                    id = ticket.Id, number = ticket.Number, unit = ticket.UnitId, system = ticket.SystemId, title = ticket.Title,
                    category = ticket.Category.ToString(), priority = ticket.Priority.ToString(), status = ticket.Status.ToString(),
                    group = ticket.GroupId, assignee = ticket.AssigneeId,
                },
                actor = entry.ActorId, details = entry.Details,
            }, Json);
            yield return new OutboxEvent(id, type, ticket.Id, ticket.UnitPath, payload, entry.At);
        }
    }
}
