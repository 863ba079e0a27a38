using Itsm.Domain.Reports;

namespace Itsm.Api.Reports;

/// <summary>
/// A business O&amp;M work report: what it covers (unit, period as local dates in <paramref name="TimeZone"/>, half-open), its
/// figures, each figure's definition, and the same figures for the previous period.
/// </summary>
public sealed record WorkReport(
    string Unit,
    string UnitName,
    bool IncludeSubunits,
    string? System,
    DateOnly From,
    DateOnly To,
    string TimeZone,
    DateTimeOffset GeneratedAt,
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
    AccountFigures Accounts,
    IReadOnlyDictionary<string, string> Definitions,
    PreviousPeriod Previous)
{
    public static WorkReport Of(ReportHeader header, WorkFigures f, PreviousPeriod previous) => new(
        header.Unit, header.UnitName, header.IncludeSubunits, header.System, header.From, header.To, header.TimeZone, header.GeneratedAt,
        f.Volumes, f.FirstContactResolutionRate, f.ResponseSlaCompliance, f.ResolutionSlaCompliance, f.SlaByPriority, f.TimeToResolve,
        f.EscalationRate, f.HqTurnaround, f.ReopenRate, f.Satisfaction, f.Inspections, f.DataQualityIssues, f.Changes, f.Daily, f.Accounts,
        ReportDefinitions.Work, previous);
}

public sealed record ReportHeader(string Unit, string UnitName, bool IncludeSubunits, string? System, DateOnly From, DateOnly To, string TimeZone,
    DateTimeOffset GeneratedAt);

/// <summary>The previous period and its figures (for trends).</summary>
public sealed record PreviousPeriod(
    DateOnly From,
    DateOnly To,
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
    AccountFigures Accounts)
{
    public static PreviousPeriod Of(ReportPeriod period, WorkFigures f) => new(period.From, period.To,
        f.Volumes, f.FirstContactResolutionRate, f.ResponseSlaCompliance, f.ResolutionSlaCompliance, f.SlaByPriority, f.TimeToResolve,
        f.EscalationRate, f.HqTurnaround, f.ReopenRate, f.Satisfaction, f.Inspections, f.DataQualityIssues, f.Changes, f.Daily, f.Accounts);
}
