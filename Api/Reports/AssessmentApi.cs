using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Itsm.Api.Access;
using Itsm.Api.Csv;
using Itsm.Api.Problems;
using Itsm.Domain.Organisation;
using Itsm.Domain.Reports;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Reports;
using Itsm.Infrastructure.Sla;

namespace Itsm.Api.Reports;

/// <summary>The assessment rules in force; PUT stores them as a new version (closed months keep the version they were scored under).</summary>
public sealed record AssessmentRulesRequest([property: Required, MinLength(1), MaxLength(7)] IReadOnlyList<AssessmentRuleRequest?> Rules);

/// <summary>
/// One deduction rule as sent: every field is required (a missing number is refused, never read as 0).
/// </summary>
/// <param name="Indicator">One of the assessment indicators.</param>
/// <param name="PointsPerUnit">Points deducted per unit of the indicator, 0–100.</param>
/// <param name="Cap">The most points the indicator can deduct, more than 0 and at most 100.</param>
public sealed record AssessmentRuleRequest(string? Indicator, double? PointsPerUnit, double? Cap)
{
    public AssessmentRule? ToRule() => Indicator is { } indicator && PointsPerUnit is { } points && Cap is { } cap ? new(indicator, points, cap) : null;
}

/// <summary>One unit's score in a month: 100 less its deductions (never below 0), and its rank among its sibling units.</summary>
public sealed record UnitAssessment(string Unit, string UnitName, int Rank, double Score, IReadOnlyList<Deduction> Deductions);

/// <summary>
/// The assessment of the units directly under <paramref name="Unit"/> for a month (yyyy-MM); when <paramref name="Closed"/>
/// the scores are the ones frozen when the month was closed.
/// </summary>
public sealed record Assessment(string Period, string Unit, string UnitName, int RulesVersion, bool Closed, DateTimeOffset? ClosedAt,
    DateTimeOffset GeneratedAt, IReadOnlyList<UnitAssessment> Units);

/// <summary>
/// Assessment (考核, Art. 7(3), 8(2)): monthly scores of sibling units from the work report's figures under versioned deduction
/// rules; HQ closes a month to freeze them. JSON, CSV or a printable HTML page by content negotiation.
/// </summary>
public static class AssessmentApi
{
    public static RouteGroupBuilder MapAssessments(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Reports");
        group.MapGet("/assessment-rules", GetRules).WithName("GetAssessmentRules").Allow(Policies.ItManager)
            .WithSummary("The assessment rules in force (latest version): deduction per indicator and its cap")
            .Produces<AssessmentRules>().ProducesProblem(403);
        group.MapPut("/assessment-rules", PutRules).WithName("PutAssessmentRules").Allow(Policies.HqItManager)
            .WithSummary("Store a new version of the assessment rules (HQ ItManager); closed months keep theirs")
            .WithDescription("Indicators: " + string.Join(" ", AssessmentIndicators.All.Select(i => $"`{i.Key}`: {i.Value}")))
            .Produces<AssessmentRules>().ProducesValidationProblem().ProducesProblem(403);
        group.MapGet("/assessments", Get).WithName("GetAssessment").Allow(Policies.ItManager)
            .WithSummary("Monthly scores and ranks of the units under a unit (default: the caller's); JSON, CSV or HTML")
            .WithDescription("Each unit's score is 100 − Σ min(cap, value × pointsPerUnit), at least 0, with each indicator's figure from " +
                             "the unit's work report for the month (its subunits included). Ties share a rank. A closed month is served " +
                             "from its frozen scores. `Accept: text/csv` gives one row per unit and indicator; `text/html` a ranked table.")
            .Produces<Assessment>(200, ReportsApi.Json).AlsoAsCsvAndHtml()
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(406);
        group.MapPost("/assessments/{period}/close", Close).WithName("CloseAssessment").Allow(Policies.HqItManager)
            .WithSummary("Freeze a month's scores of every unit under the rules in force (HQ ItManager); a closed month cannot be closed again")
            .Produces<ClosedPeriod>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(409);
        return api;
    }

    public static Task<AssessmentRules> GetRules(AssessmentStore store, CancellationToken ct) => store.LatestRulesAsync(ct);

    public static async Task<IResult> PutRules(AssessmentRulesRequest body, ClaimsPrincipal user, AssessmentStore store, TimeProvider clock,
        CancellationToken ct)
    {
        var missing = new Dictionary<string, string[]>();
        for (var i = 0; i < body.Rules.Count; i++)
        {
            if (body.Rules[i] is not { } rule) continue;
            if (rule.Indicator is null) missing[$"rules[{i}].indicator"] = ["indicator is required."];
            if (rule.PointsPerUnit is null) missing[$"rules[{i}].pointsPerUnit"] = ["pointsPerUnit is required."];
            if (rule.Cap is null) missing[$"rules[{i}].cap"] = ["cap is required."];
        }
        var rules = body.Rules.Select(r => r?.ToRule()!).ToList(); // a null rule is named by the domain's check
        IReadOnlyDictionary<string, string[]> errors = missing.Count > 0 ? missing : AssessmentRules.Validate(rules);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
                type: ProblemResults.TypeOf("validation"), title: "The request is not valid");
        return TypedResults.Ok(await store.AddRulesAsync(rules, user.Actor().UserId, clock.GetUtcNow(), ct));
    }

    public static async Task<IResult> Get(ClaimsPrincipal user, HttpRequest request, AssessmentStore store, ReportStore reports,
        OrganisationStore organisation, SlaEngine engine, TimeProvider clock, string? period, string? unit, string? lang, CancellationToken ct)
    {
        var actor = user.Actor();
        if (ReportsApi.Repeated(request, "period", "unit", "lang") is { } repeated) return repeated;
        unit = ReportsApi.Given(unit);
        if (Negotiation.Choose(request, ReportsApi.Offered) is not { } mediaType) return Negotiation.NotAcceptable(ReportsApi.Offered);
        if (ReportsApi.Language(request, lang) is not { } language)
            return ProblemResults.Problem(406, "not-acceptable", "Not acceptable", $"lang must be one of {string.Join(", ", ReportsApi.Languages)}.",
                new Dictionary<string, object?> { ["supported"] = ReportsApi.Languages });
        var sla = await engine.ContextAsync(null, ct);
        if (await MonthAsync(period, organisation, sla, clock, ct) is not { } month) return BadPeriod();
        var unitId = unit ?? actor.UnitId;
        if (await organisation.FindUnitAsync(unitId, ct) is not { } parent || !actor.CanSee(parent.Path))
            return ProblemResults.NotFound($"Unit '{unitId}' does not exist or is outside your scope.");

        var key = Key(month);
        Assessment assessment;
        if (await store.ClosedAsync(key, ct) is { } closed)
        {
            var units = new List<UnitAssessment>();
            foreach (var s in await store.ScoresAsync(key, parent.Id, ct))
                units.Add(new UnitAssessment(s.UnitId, (await organisation.FindUnitAsync(s.UnitId, ct))?.Name ?? s.UnitId, s.Rank, s.Score, s.Deductions));
            assessment = new Assessment(key, parent.Id, parent.Name, closed.RulesVersion, true, closed.ClosedAt, clock.GetUtcNow(), units);
        }
        else
        {
            var rules = await store.LatestRulesAsync(ct);
            var children = (await organisation.UnitsInScopeAsync(actor, ct)).Where(u => u.ParentId == parent.Id).ToList();
            var units = await ScoreAsync(children, month, rules, store, reports, sla, ct);
            assessment = new Assessment(key, parent.Id, parent.Name, rules.Version, false, null, clock.GetUtcNow(), units);
        }

        var name = $"assessment-{parent.Id}-{key}";
        return mediaType switch
        {
            CsvResult.MediaType => new CsvResult(name + ".csv", AssessmentCsv.Header, AssessmentCsv.Rows(assessment)),
            ReportsApi.Html => Results.Content(AssessmentPage.Render(assessment, language, sla.TimeZoneOf(parent.Path)), "text/html; charset=utf-8"),
            _ => TypedResults.Ok(assessment),
        };
    }

    public static async Task<IResult> Close(string period, ClaimsPrincipal user, AssessmentStore store, ReportStore reports,
        OrganisationStore organisation, SlaEngine engine, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        var sla = await engine.ContextAsync(null, ct);
        if (await MonthAsync(period, organisation, sla, clock, ct) is not { } month) return BadPeriod();
        var key = Key(month);
        if (await store.ClosedAsync(key, ct) is not null) return AlreadyClosed(key);

        var rules = await store.LatestRulesAsync(ct);
        var all = await organisation.UnitsInScopeAsync(actor, ct);
        var scores = new List<StoredScore>();
        foreach (var siblings in all.Where(u => u.ParentId is not null).GroupBy(u => u.ParentId!))
            scores.AddRange((await ScoreAsync(siblings.ToList(), month, rules, store, reports, sla, ct))
                .Select(u => new StoredScore(u.Unit, siblings.Key, u.Score, u.Rank, u.Deductions)));
        var closed = new ClosedPeriod(key, rules.Version, clock.GetUtcNow(), actor.UserId);
        return await store.CloseAsync(closed, scores, ct) ? TypedResults.Ok(closed) : AlreadyClosed(key);
    }

    /// <summary>Scores sibling units on their work reports for the month (each with its subunits) and ranks them.</summary>
    private static async Task<IReadOnlyList<UnitAssessment>> ScoreAsync(IReadOnlyList<Unit> siblings, DateOnly month, AssessmentRules rules,
        AssessmentStore store, ReportStore reports, SlaContext sla, CancellationToken ct)
    {
        var scored = new List<(Unit Unit, AssessedScore Score)>();
        foreach (var unit in siblings.OrderBy(u => u.Id, StringComparer.Ordinal))
        {
            var period = new ReportPeriod(month, month.AddMonths(1), sla.TimeZoneOf(unit.Path));
            var figures = await reports.WorkAsync(new ReportTarget(unit.Path, true, null), period, ct);
            var reviews = await store.AccessReviewsOverdueAsync(unit.Path, period, ct);
            scored.Add((unit, rules.Score(AssessmentIndicators.From(figures, reviews))));
        }
        var ranks = Ranking.Of(scored.Select(s => s.Score.Score).ToList());
        return scored.Select((s, i) => new UnitAssessment(s.Unit.Id, s.Unit.Name, ranks[i], s.Score.Score, s.Score.Deductions))
            .OrderBy(u => u.Rank).ThenBy(u => u.Unit, StringComparer.Ordinal).ToList();
    }

    /// <summary>The month asked for, up to the current month in headquarters' calendar time zone.</summary>
    private static async Task<DateOnly?> MonthAsync(string? period, OrganisationStore organisation, SlaContext sla, TimeProvider clock,
        CancellationToken ct)
    {
        var zone = await organisation.RootUnitAsync(ct) is { } root ? sla.TimeZoneOf(root.Path) : TimeZoneInfo.Utc;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        return AssessmentPeriod.Parse(period, today);
    }

    private static string Key(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static IResult BadPeriod() =>
        ProblemResults.Invalid("period", "period must be a month written yyyy-MM, from 2000-01 up to the current month.");

    private static IResult AlreadyClosed(string period) =>
        ProblemResults.Problem(409, "assessment-closed", "Assessment already closed", $"The assessment of {period} is closed; its scores are final.");
}
