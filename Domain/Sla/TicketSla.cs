using Itsm.Domain.Tickets;

namespace Itsm.Domain.Sla;

/// <summary>
/// How a ticket's life moves its clocks: the response clock runs from the request to triage; the resolution clock
/// from the request to resolution, paused in the policy's pause states and continued when it goes back to work; each escalation to
/// headquarters runs an HQ clock (an OLA) beside the unit's until HQ returns or resolves the ticket.
/// </summary>
public static class TicketSla
{
    public static IReadOnlyList<SlaClock> Start(Ticket ticket, SlaPolicy policy, Func<string, BusinessCalendar> calendars)
    {
        var rule = policy.RuleFor(ticket.Priority, ticket.Category, ticket.UnitPath);
        var at = ticket.CreatedAt;
        return
        [
            SlaClock.Start(ticket.Id, ClockKind.Response, rule.Calendar, rule.ResponseMinutes, policy.Version, policy.WarnAtPercent, at, calendars(rule.Calendar)),
            SlaClock.Start(ticket.Id, ClockKind.Resolution, rule.Calendar, rule.ResolutionMinutes, policy.Version, policy.WarnAtPercent, at, calendars(rule.Calendar)),
        ];
    }

    /// <summary>Moves the clocks for one change of the ticket; returns breaches found on stopping (to record) and new clocks are added to <paramref name="clocks"/>.</summary>
    public static IReadOnlyList<ClockEvent> OnChange(Ticket ticket, TicketAction action, TicketStatus from, List<SlaClock> clocks,
        SlaPolicy policy, Func<string, BusinessCalendar> calendars, DateTimeOffset at)
    {
        var events = new List<ClockEvent>();
        var to = ticket.Status;
        var rule = policy.RuleFor(ticket.Priority, ticket.Category, ticket.UnitPath);
        var response = clocks.FirstOrDefault(c => c.Kind == ClockKind.Response);
        var resolution = clocks.FirstOrDefault(c => c.Kind == ClockKind.Resolution);
        var hq = clocks.LastOrDefault(c => c.Kind == ClockKind.HqResolution && c.StoppedAt is null);
        var ended = to is TicketStatus.Cancelled || (to is TicketStatus.Closed && ticket.Outcome == ClosureOutcome.Rejected);

        // An edit of the classification re-targets the clocks still running as triage does (the time used counts against the new target).
        if (response is not null && action == TicketAction.Edit)
            response.Retarget(rule.Calendar, rule.ResponseMinutes, at, calendars(response.Calendar), calendars(rule.Calendar));
        if (response is not null && (action == TicketAction.Triage || to is TicketStatus.Resolved || ended))
            Add(response.Stop(at, calendars(response.Calendar), resolved: !ended));

        if (resolution is not null)
        {
            if (action is TicketAction.Triage or TicketAction.Edit)
                resolution.Retarget(rule.Calendar, rule.ResolutionMinutes, at, calendars(resolution.Calendar), calendars(rule.Calendar));
            // Back to work after resolution (a reopen, or a change evaluated not effective): the clock continues.
            if (from is TicketStatus.Resolved && to is TicketStatus.InProgress) resolution.Reopen(at, calendars(resolution.Calendar));
            else if (to is TicketStatus.Resolved) Add(resolution.Stop(at, calendars(resolution.Calendar)));
            else if (ended) Add(resolution.Stop(at, calendars(resolution.Calendar), resolved: false));
            else if (policy.PauseIn.Contains(to) && !policy.PauseIn.Contains(from)) resolution.Pause(at, to.ToString(), calendars(resolution.Calendar));
            else if (policy.PauseIn.Contains(from) && !policy.PauseIn.Contains(to)) resolution.Resume(at, calendars(resolution.Calendar));
        }

        if (hq is not null && from is TicketStatus.EscalatedToHq && to is not TicketStatus.EscalatedToHq)
            Add(hq.Stop(at, calendars(hq.Calendar)));
        if (action == TicketAction.Escalate)
            clocks.Add(SlaClock.Start(ticket.Id, ClockKind.HqResolution, rule.Calendar, rule.HqMinutes ?? rule.ResolutionMinutes,
                policy.Version, policy.WarnAtPercent, at, calendars(rule.Calendar)));

        ticket.ShowSla(clocks);
        return events;

        void Add(ClockEvent? e)
        {
            if (e is not null) events.Add(e);
        }
    }
}
