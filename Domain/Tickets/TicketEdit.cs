using Itsm.Domain.Organisation;

namespace Itsm.Domain.Tickets;

/// <summary>
/// What an edit (<c>PATCH /tickets/{id}</c>) sets; a field left null stays as it is. The requester may correct the text of
/// a new ticket; line 1 may also correct its classification (system, category, impact, urgency) while it is open.
/// </summary>
public sealed record TicketEdit(string? Title = null, string? Description = null, BusinessSystem? System = null,
    Category? Category = null, Impact? Impact = null, Urgency? Urgency = null)
{
    /// <summary>The fields as the API names them, in this order.</summary>
    public static IReadOnlyList<string> FieldNames { get; } = ["title", "description", "system", "category", "impact", "urgency"];

    /// <summary>The classification fields this edit sets: only line 1 sets them.</summary>
    public IReadOnlyList<string> ClassificationFields =>
        new (string Name, bool Set)[] { ("system", System is not null), ("category", Category is not null), ("impact", Impact is not null), ("urgency", Urgency is not null) }
            .Where(f => f.Set).Select(f => f.Name).ToList();

    public bool IsEmpty => Title is null && Description is null && ClassificationFields.Count == 0;
}

/// <summary>One field an edit changed: its value before and after (as the history and the event record them).</summary>
public sealed record FieldChange(object? Old, object? New);
