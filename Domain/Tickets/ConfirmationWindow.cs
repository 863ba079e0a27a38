namespace Itsm.Domain.Tickets;

/// <summary>How long a requester has to confirm or reopen a resolution: N working days (Monday to Friday).</summary>
public static class ConfirmationWindow
{
    public static DateTimeOffset Due(DateTimeOffset resolvedAt, int workingDays)
    {
        var due = resolvedAt;
        for (var added = 0; added < workingDays;)
        {
            due = due.AddDays(1);
            if (due.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) added++;
        }
        return due;
    }
}
