namespace Itsm.Domain.Reports;

/// <summary>
/// Assessment (考核, Art. 7(3), 8(2)): each unit starts a month at 100 points and loses, per indicator, its value times the
/// rule's points per unit, at most the rule's cap; the score never falls below 0. Indicators are figures of the work report.
/// </summary>
public static class AssessmentIndicators
{
    public const string ResolutionSlaBreachesPer100 = "resolutionSlaBreachesPer100";
    public const string ResponseSlaBreachesPer100 = "responseSlaBreachesPer100";
    public const string MissedInspections = "missedInspections";
    public const string ReopenRatePercent = "reopenRatePercent";
    public const string LowSatisfaction = "lowSatisfaction";
    public const string EvaluationOverdue = "evaluationOverdue";
    public const string AccessReviewsOverdue = "accessReviewsOverdue";

    /// <summary>The closed set of indicators, with what each counts.</summary>
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        [ResolutionSlaBreachesPer100] = "Resolution clocks that ended Breached in the month per 100 that ended Met or Breached (100 × (1 − resolutionSlaCompliance)).",
        [ResponseSlaBreachesPer100] = "Response clocks that ended Breached in the month per 100 that ended Met or Breached (100 × (1 − responseSlaCompliance)).",
        [MissedInspections] = "Inspection runs scheduled in the month and not completed by their deadline (inspections.missed).",
        [ReopenRatePercent] = "Reopens recorded in the month per 100 tickets resolved in it (100 × reopenRate).",
        [LowSatisfaction] = "Tickets closed in the month with a satisfaction rating of 1 or 2.",
        [EvaluationOverdue] = "Resolved changes whose confirmation window ended before the month's end without an evaluation (changes.evaluationOverdue).",
        [AccessReviewsOverdue] = "Access reviews of the unit or below that became overdue in the month.",
    };

    /// <summary>The indicator values of one unit's month, from its work report figures and its overdue access reviews.</summary>
    public static IReadOnlyDictionary<string, double> From(WorkFigures f, int accessReviewsOverdue)
    {
        var responseEnded = f.SlaByPriority.Sum(p => p.ResponseEnded);
        var resolutionEnded = f.SlaByPriority.Sum(p => p.ResolutionEnded);
        return new Dictionary<string, double>
        {
            [ResolutionSlaBreachesPer100] = Per100(resolutionEnded - f.SlaByPriority.Sum(p => p.ResolutionMet), resolutionEnded),
            [ResponseSlaBreachesPer100] = Per100(responseEnded - f.SlaByPriority.Sum(p => p.ResponseMet), responseEnded),
            [MissedInspections] = f.Inspections.Missed,
            [ReopenRatePercent] = Math.Round((f.ReopenRate ?? 0) * 100, 2),
            [LowSatisfaction] = f.Satisfaction.Distribution.GetValueOrDefault("1") + f.Satisfaction.Distribution.GetValueOrDefault("2"),
            [EvaluationOverdue] = f.Changes.EvaluationOverdue,
            [AccessReviewsOverdue] = accessReviewsOverdue,
        };
    }

    private static double Per100(int part, int whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 2);
}

/// <summary>One deduction rule: <paramref name="PointsPerUnit"/> points per unit of the indicator, at most <paramref name="Cap"/>.</summary>
public sealed record AssessmentRule(string Indicator, double PointsPerUnit, double Cap);

/// <summary>A version of the assessment rules; a closed month keeps the version it was scored under.</summary>
public sealed record AssessmentRules(int Version, IReadOnlyList<AssessmentRule> Rules)
{
    public static readonly AssessmentRules Default = new(0,
    [
        new(AssessmentIndicators.ResolutionSlaBreachesPer100, 2, 30),
        new(AssessmentIndicators.ResponseSlaBreachesPer100, 1, 20),
        new(AssessmentIndicators.MissedInspections, 1, 20),
        new(AssessmentIndicators.ReopenRatePercent, 0.5, 10),
        new(AssessmentIndicators.LowSatisfaction, 2, 10),
        new(AssessmentIndicators.EvaluationOverdue, 1, 5),
        new(AssessmentIndicators.AccessReviewsOverdue, 2, 5),
    ]);

    /// <summary>What is wrong with the rules, by field (rules[i].indicator …); empty when they are valid.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(IReadOnlyList<AssessmentRule> rules)
    {
        var errors = new Dictionary<string, string[]>();
        var seen = new HashSet<string>();
        for (var i = 0; i < rules.Count; i++)
        {
            // A JSON null in the list binds as a null rule.
            if (rules[i] is not { } rule)
            {
                errors[$"rules[{i}]"] = ["A rule is an object with indicator, pointsPerUnit and cap."];
                continue;
            }
            if (rule.Indicator is null || !AssessmentIndicators.All.ContainsKey(rule.Indicator))
                errors[$"rules[{i}].indicator"] = [$"indicator must be one of {string.Join(", ", AssessmentIndicators.All.Keys)}."];
            else if (!seen.Add(rule.Indicator))
                errors[$"rules[{i}].indicator"] = [$"{rule.Indicator} is given twice."];
            if (!(rule.PointsPerUnit >= 0 && rule.PointsPerUnit <= 100))
                errors[$"rules[{i}].pointsPerUnit"] = ["pointsPerUnit must be between 0 and 100."];
            if (!(rule.Cap > 0 && rule.Cap <= 100))
                errors[$"rules[{i}].cap"] = ["cap must be more than 0 and at most 100."];
        }
        return errors;
    }

    /// <summary>The deductions and score of one unit's indicator values.</summary>
    public AssessedScore Score(IReadOnlyDictionary<string, double> values)
    {
        var deductions = Rules.Select(r =>
        {
            var value = values.GetValueOrDefault(r.Indicator);
            return new Deduction(r.Indicator, value, r.PointsPerUnit, r.Cap, Math.Round(Math.Min(r.Cap, value * r.PointsPerUnit), 2));
        }).ToList();
        return new AssessedScore(Math.Max(0, Math.Round(100 - deductions.Sum(d => d.Points), 2)), deductions);
    }
}

/// <summary>One indicator's value and the points it cost.</summary>
public sealed record Deduction(string Indicator, double Value, double PointsPerUnit, double Cap, double Points);

public sealed record AssessedScore(double Score, IReadOnlyList<Deduction> Deductions);

public static class Ranking
{
    /// <summary>Ranks by score, highest first; equal scores share a rank and the next rank skips (1, 1, 3).</summary>
    public static IReadOnlyList<int> Of(IReadOnlyList<double> scores) =>
        scores.Select(s => 1 + scores.Count(other => other > s)).ToList();
}

/// <summary>An assessment month: yyyy-MM.</summary>
public static class AssessmentPeriod
{
    /// <summary>The month's first day, or null when the text is not a month from 2000 up to <paramref name="current"/>'s.</summary>
    public static DateOnly? Parse(string? text, DateOnly current)
    {
        if (text is not { Length: 7 } || text[4] != '-' || !int.TryParse(text[..4], System.Globalization.NumberStyles.None, null, out var year)
            || !int.TryParse(text[5..], System.Globalization.NumberStyles.None, null, out var month)) return null;
        if (year < 2000 || month is < 1 or > 12) return null;
        var first = new DateOnly(year, month, 1);
        return first > new DateOnly(current.Year, current.Month, 1) ? null : first;
    }
}
