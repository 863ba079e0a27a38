namespace Itsm.Infrastructure.Reports;

/// <summary>The statements of assessment: rules versions, closed months and their frozen scores (V0032). Same text on both dialects.</summary>
public static class AssessmentSql
{
    public const string LatestRules =
        "SELECT Version, Definition FROM AssessmentRules WHERE Version = (SELECT MAX(Version) FROM AssessmentRules)";
    public const string Rules = "SELECT Version, Definition FROM AssessmentRules WHERE Version = @version";
    public const string LatestVersion = "SELECT MAX(Version) FROM AssessmentRules";
    public const string InsertRules =
        "INSERT INTO AssessmentRules (Version, Definition, CreatedAt, CreatedBy) VALUES (@version, @definition, @at, @by)";
    public const string Period = "SELECT Period, RulesVersion, ClosedAt, ClosedBy FROM AssessmentPeriods WHERE Period = @period";
    public const string InsertPeriod =
        "INSERT INTO AssessmentPeriods (Period, RulesVersion, ClosedAt, ClosedBy) VALUES (@period, @rulesVersion, @at, @by)";
    public const string InsertScore =
        "INSERT INTO AssessmentScores (Period, UnitId, ParentId, Score, Rank, Deductions) VALUES (@period, @unitId, @parentId, @score, @rank, @deductions)";
    public const string Scores =
        "SELECT UnitId, Score, Rank, Deductions FROM AssessmentScores WHERE Period = @period AND ParentId = @parentId ORDER BY Rank, UnitId";

    /// <summary>Access reviews of the unit's subtree that became overdue in [@From, @To).</summary>
    public const string AccessReviewsOverdue =
        "SELECT COUNT(*) FROM AccessReviews WHERE UnitPath >= @ScopeFrom AND UnitPath < @ScopeTo AND OverdueAt >= @From AND OverdueAt < @To";

    public static IEnumerable<string> All() =>
        [LatestRules, Rules, LatestVersion, InsertRules, Period, InsertPeriod, InsertScore, Scores, AccessReviewsOverdue];
}
