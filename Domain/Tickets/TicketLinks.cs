using Itsm.Domain.Organisation;

namespace Itsm.Domain.Tickets;

/// <summary>How one ticket is tied to another: the link reads "this ticket is &lt;type&gt; that one".</summary>
public enum LinkType
{
    /// <summary>About the same thing, without an order.</summary>
    Related,
    /// <summary>Repeats the other ticket: it is cancelled (outcome Duplicate) and its requester watches the original.</summary>
    DuplicateOf,
    /// <summary>Was caused by the other ticket (e.g. by its change).</summary>
    CausedBy,
    /// <summary>One of the tickets of a major incident (the other ticket): resolved with it.</summary>
    ChildOf,
}

/// <summary>A stored link: <see cref="From"/> is <see cref="Type"/> <see cref="To"/>.</summary>
public sealed record TicketLink(long Id, LinkType Type, long From, long To, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>A major incident (a parent) as its children are resolved with it: its resolution, and how it is named in their history.</summary>
public sealed record MajorIncident(long Id, string Number, ResolutionCode Code, string Resolution);

/// <summary>The rules of linking tickets (the duplicate itself is the <see cref="TicketAction.MarkDuplicate"/> row of the workflow).</summary>
public static class TicketLinking
{
    /// <summary>Links that have a direction may not lead back to where they start.</summary>
    public static bool IsDirected(this LinkType type) => type != LinkType.Related;

    /// <summary>Operations and maintenance staff and integrations tie tickets together; a requester does not.</summary>
    public static TicketError? MayLink(Actor by) =>
        by.Roles.Any(r => r is Role.ServiceDesk or Role.Engineer or Role.ItManager or Role.HqEngineer or Role.Integration)
            ? null
            : TicketError.Forbidden("Only the service desk, engineers, IT managers and integrations link tickets.");

    /// <summary>
    /// Why <paramref name="from"/> may not be <paramref name="type"/> <paramref name="to"/> (null: it may), given the tickets
    /// <paramref name="to"/> already leads to by links of that type, and <paramref name="from"/>'s links.
    /// </summary>
    public static TicketError? Refusal(long from, long to, LinkType type, IReadOnlySet<long> reachableFromTo, IReadOnlyList<TicketLink> linksOfFrom)
    {
        if (from == to) return TicketError.Invalid("A ticket is not linked to itself.");
        if (linksOfFrom.Any(l => l.Type == type && ((l.From == from && l.To == to) || (!type.IsDirected() && l.From == to && l.To == from))))
            return TicketError.Conflict($"The tickets are already linked as {type}.", []);
        if (type.IsDirected() && reachableFromTo.Contains(from))
            return TicketError.Invalid($"Ticket {to} already leads back to ticket {from} by {type} links: the link would make a cycle.");
        if (type == LinkType.ChildOf && linksOfFrom.FirstOrDefault(l => l.Type == LinkType.ChildOf && l.From == from) is { } parent)
            return TicketError.Conflict($"Ticket {from} is already a child of major incident {parent.To}: remove that link first.", []);
        return null;
    }

    /// <summary>Why a child was not resolved with its major incident (the workflow's row for the service refused it).</summary>
    public static string WhyNotResolvedWithParent(Ticket child) => child.Category.NeedsApproval()
        ? "It is a change: it is resolved on its own, once approved, with its test result."
        : $"It is {child.Status}: only New, Triaged and InProgress children are resolved with their major incident.";
}

/// <summary>The rules of watching a ticket.</summary>
public static class Watching
{
    /// <summary>Operations and maintenance staff and integrations add and remove anyone; everyone else only themselves.</summary>
    public static TicketError? MayChange(Actor by, string watcherId) =>
        watcherId == by.UserId || by.Roles.Any(r => r is Role.ServiceDesk or Role.Engineer or Role.ItManager or Role.HqEngineer or Role.Integration)
            ? null
            : TicketError.Forbidden("You may add or remove only yourself as a watcher.");

    /// <summary>A watcher is a person of the ticket's unit or a unit below it.</summary>
    public static TicketError? MayWatch(Ticket ticket, OrganisationUser? user, string userId) =>
        user is { IsPerson: true } && UnitPaths.IsWithin(user.UnitPath, ticket.UnitPath)
            ? null
            : TicketError.Invalid($"User '{userId}' does not exist, is not a person, or is not of unit '{ticket.UnitId}' or a unit below it.");
}
