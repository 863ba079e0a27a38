namespace Itsm.Domain.Reports;

/// <summary>
/// The figures of a business O&amp;M work report (Art. 10(8)) for one scope and period. Rates are fractions (0–1), null when
/// nothing was counted to divide by; business minutes are on the calendars of the tickets' SLA policy rules.
/// </summary>
public sealed record WorkFigures(
    Volumes Volumes,
    double? FirstContactResolutionRate,
    double? ResponseSlaCompliance,
    double? ResolutionSlaCompliance,
    IReadOnlyList<PriorityCompliance> SlaByPriority,
    BusinessDuration TimeToResolve,
    double? EscalationRate,
    BusinessDuration HqTurnaround,
    double? ReopenRate,
    SatisfactionFigures Satisfaction,
    InspectionFigures Inspections,
    DataQualityFigures DataQualityIssues,
    ChangeFigures Changes,
    IReadOnlyList<DayCount> Daily,
    AccountFigures Accounts);

/// <summary>Ticket counts with their breakdowns.</summary>
public sealed record Volumes(Breakdown Raised, Breakdown Resolved, Breakdown Closed, Breakdown OpenAtEnd);

/// <summary>A count and how it splits by category, priority, line (of the ticket's group; None before assignment), system and unit.</summary>
public sealed record Breakdown(
    int Total,
    IReadOnlyDictionary<string, int> ByCategory,
    IReadOnlyDictionary<string, int> ByPriority,
    IReadOnlyDictionary<string, int> ByLine,
    IReadOnlyDictionary<string, int> BySystem,
    IReadOnlyDictionary<string, int> BySubunit);

public sealed record PriorityCompliance(string Priority, int ResponseEnded, int ResponseMet, double? ResponseCompliance,
    int ResolutionEnded, int ResolutionMet, double? ResolutionCompliance);

public sealed record BusinessDuration(int Count, double? MeanBusinessMinutes, double? P90BusinessMinutes);

public sealed record SatisfactionFigures(double? Mean, int Responses, IReadOnlyDictionary<string, int> Distribution);

public sealed record InspectionFigures(int Scheduled, int Completed, int Passed, int Failed, int Missed, double? CompletionRate, double? PassRate,
    IReadOnlyList<SystemInspections> BySystem);

public sealed record SystemInspections(string System, int Scheduled, int Completed, int Passed, int Failed, int Missed, double? CompletionRate,
    double? PassRate);

public sealed record DataQualityFigures(int Raised, int Resolved);

public sealed record ChangeFigures(int Requested, int Approved, int Rejected, int Evaluated, int EvaluatedEffective, int EvaluationOverdue);

/// <summary>
/// The account register at the period's end (Active accounts dormant by then) and access reviews completed in the period and
/// those that became overdue in it.
/// </summary>
public sealed record AccountFigures(int DormantAtEnd, int ReviewsCompleted, int ReviewsOverdue);

/// <summary>Tickets raised and resolved on one local date.</summary>
public sealed record DayCount(DateOnly Date, int Raised, int Resolved);

public static class Rates
{
    /// <summary>A fraction rounded to four places, or null when there is nothing to divide by.</summary>
    public static double? Of(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

    public static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;
}
