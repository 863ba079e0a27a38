namespace Itsm.Domain.Reports;

/// <summary>Each figure of the work report and its formula in one sentence (the README's table says the same).</summary>
public static class ReportDefinitions
{
    public static readonly IReadOnlyDictionary<string, string> Work = new Dictionary<string, string>
    {
        ["volumes.raised"] = "Tickets created in the period.",
        ["volumes.resolved"] = "Tickets whose latest resolution falls in the period (a reopened ticket counts when it is resolved again).",
        ["volumes.closed"] = "Tickets closed in the period (confirmed, evaluated, rejected or auto-closed; cancelled tickets are not counted).",
        ["volumes.openAtEnd"] = "Tickets created before the period's end and neither closed nor cancelled by then.",
        ["breakdowns"] = "Each volume splits by category, priority, line (of the ticket's current group; None when unassigned), system and unit.",
        ["firstContactResolutionRate"] = "Resolved tickets that were never assigned beyond line 1 (no group, or a line-1 group) ÷ tickets resolved.",
        ["responseSlaCompliance"] = "Response clocks that ended Met in the period ÷ response clocks that ended Met or Breached in the period.",
        ["resolutionSlaCompliance"] = "Resolution clocks that ended Met in the period ÷ resolution clocks that ended Met or Breached in the period.",
        ["timeToResolve"] = "Mean and 90th percentile (nearest rank) of the business minutes of resolution clocks that ended in the period, pauses excluded, on the calendar of the ticket's SLA rule.",
        ["escalationRate"] = "Tickets resolved in the period that had been escalated to HQ ÷ tickets resolved.",
        ["hqTurnaround"] = "Mean and 90th percentile of the business minutes of HQ clocks (escalation to HQ's return or resolution) that ended in the period.",
        ["reopenRate"] = "Reopens recorded in the period ÷ tickets resolved in the period.",
        ["satisfaction"] = "Mean rating (1–5), number of ratings and their distribution, of tickets closed in the period with a rating.",
        ["inspections"] = "Inspection runs scheduled in the period: completed = passed + failed; completion rate = completed ÷ scheduled; pass rate = passed ÷ completed; missed = not completed by their deadline.",
        ["dataQualityIssues"] = "DataQualityIssue tickets raised and resolved in the period.",
        ["changes.requested"] = "Change tickets (configuration, account, data, back-office) raised in the period.",
        ["changes.approved"] = "Changes approved by their business department in the period.",
        ["changes.rejected"] = "Changes closed as rejected in the period.",
        ["changes.evaluated"] = "Changes evaluated by their business department in the period; evaluatedEffective: of those, evaluated effective.",
        ["changes.evaluationOverdue"] = "Resolved changes whose confirmation window ended before the period's end without an evaluation by then.",
        ["accounts.dormantAtEnd"] = "Active accounts idle (last used, or created when never used) since at least Accounts:DormantAfterDays (default 180) before the period's end.",
        ["accounts.reviewsCompleted"] = "Access reviews whose last item was decided in the period.",
        ["accounts.reviewsOverdue"] = "Access reviews that became overdue (passed their due time with items undecided) in the period.",
        ["previous"] = "The same figures for the preceding period: the previous month for a calendar month, the previous quarter for a quarter, otherwise the equally long range just before.",
    };
}
