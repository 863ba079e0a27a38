namespace Itsm.Domain.Tickets;

/// <summary>
/// What a <c>confirm</c> says. For a change it is the owning business department's evaluation of the result (Art. 9(5)):
/// effective or not (and then why), the satisfaction optional; for anything else the requester's satisfaction.
/// </summary>
public sealed record Confirmation(bool? Effective, int? Satisfaction, string? Comment)
{
    /// <summary>The field this confirmation lacks or may not carry for a ticket of <paramref name="category"/>; null when it fits.</summary>
    public TicketError? ShapeError(Category category) => category.NeedsApproval()
        ? Effective switch
        {
            null => TicketError.InvalidField("effective", "A change is closed by its evaluation: say whether it was effective (true or false)."),
            false when string.IsNullOrWhiteSpace(Comment) => TicketError.InvalidField("comment", "Say why the change was not effective."),
            _ => null,
        }
        : Effective is not null
            ? TicketError.InvalidField("effective", "Only a change is evaluated as effective or not; leave it out.")
            : Satisfaction is null ? TicketError.InvalidField("satisfaction", "Rate the resolution from 1 to 5.") : null;
}
