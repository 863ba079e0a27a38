using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;

namespace Itsm.Domain.Attachments;

/// <summary>
/// Who may attach files to a ticket and remove them. Attaching is commenting with a file: whoever may comment on the
/// ticket now may attach, and internal attachments, like internal work notes, are for operations and maintenance staff.
/// A file is removed while the ticket is open, by whoever uploaded it or by the service desk.
/// </summary>
public static class AttachmentRules
{
    /// <summary>History entries (and, for additions, the published event) of attachments.</summary>
    public const string AddedEvent = "attachment-added";

    public const string RemovedEvent = "attachment-removed";

    public static TicketError? AddRefusal(Ticket ticket, Actor by, DateTimeOffset now, CommentVisibility visibility)
    {
        if (visibility == CommentVisibility.Internal && !by.SeesInternalNotes)
            return TicketError.Forbidden("Requesters and approvers may only attach public files; internal attachments are for support staff.");
        return OpenRefusal(ticket, by, now, "attach files to");
    }

    public static TicketError? RemoveRefusal(Ticket ticket, Actor by, DateTimeOffset now, string uploadedBy)
    {
        if (by.UserId != uploadedBy && !by.Has(Role.ServiceDesk))
            return TicketError.Forbidden("Only whoever uploaded a file, or the service desk, may remove it.");
        return OpenRefusal(ticket, by, now, "remove files from");
    }

    /// <summary>Records the file on the ticket's history; an internal file's entry is internal, as an internal note's is.</summary>
    public static void RecordAdded(Ticket ticket, Actor by, DateTimeOffset now, StoredFile file, CommentVisibility visibility) =>
        ticket.RecordEvent(by.UserId, AddedEvent, now, Details(file, visibility), visibility == CommentVisibility.Internal);

    public static void RecordRemoved(Ticket ticket, Actor by, DateTimeOffset now, long attachmentId, StoredFile file, CommentVisibility visibility)
    {
        var details = Details(file, visibility);
        details["attachment"] = attachmentId;
        ticket.RecordEvent(by.UserId, RemovedEvent, now, details, visibility == CommentVisibility.Internal);
    }

    /// <summary>The comment row of the lifecycle decides: open tickets, every role but the service's own.</summary>
    private static TicketError? OpenRefusal(Ticket ticket, Actor by, DateTimeOffset now, string what)
    {
        var (_, error) = TicketWorkflow.Decide(ticket, TicketAction.Comment, by, now);
        return error switch
        {
            null => null,
            { Kind: TicketErrorKind.NotAllowedInState } => TicketError.Conflict(
                $"Cannot {what} a ticket in status {ticket.Status}: only open tickets take attachments.", ticket.AllowedActions(by, now)),
            _ => error,
        };
    }

    private static Dictionary<string, object?> Details(StoredFile file, CommentVisibility visibility) => new()
    {
        ["name"] = file.Name, ["size"] = file.Size, ["contentType"] = file.ContentType, ["sha256"] = file.Sha256,
        ["visibility"] = visibility.ToString(),
    };
}

/// <summary>A file's bytes as stored: its cleaned name, size, detected content type and SHA-256 (lower-case hex).</summary>
public sealed record StoredFile(string Name, long Size, string ContentType, string Sha256);
