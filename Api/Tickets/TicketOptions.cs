namespace Itsm.Api.Tickets;

/// <summary>Configuration section <c>Tickets</c>.</summary>
public sealed class TicketOptions
{
    /// <summary>Working days a requester has to confirm or reopen a resolution (DOMAIN.md §5, default 5).</summary>
    public int ConfirmationWindowWorkingDays { get; set; } = 5;
}
