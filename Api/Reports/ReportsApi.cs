using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Itsm.Api.Access;
using Itsm.Api.Csv;
using Itsm.Api.Problems;
using Itsm.Domain.Organisation;
using Itsm.Domain.Reports;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Reports;
using Itsm.Infrastructure.Sla;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Itsm.Api.Reports;

/// <summary>
/// Business O&amp;M work reports (Art. 10(8)): one URL, three representations by content negotiation: JSON (the default), CSV
/// (one row per figure and breakdown) and a printable HTML page with charts, in Chinese or English.
/// </summary>
public static class ReportsApi
{
    public const string Json = "application/json";
    public const string Html = "text/html";
    public static readonly string[] Offered = [Json, CsvResult.MediaType, Html];
    public static readonly string[] Languages = ["zh-CN", "en"];

    public static RouteGroupBuilder MapReports(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Reports").Allow(Policies.ReportReader);
        reports.MapGet("/work", Work).WithName("GetWorkReport")
            .WithSummary("Business O&M work report of a unit and period: volumes, SLA compliance, times, rates, inspections, changes; JSON, CSV or HTML")
            .WithDescription("`from`/`to` are dates (yyyy-MM-dd) in the unit's calendar time zone, half-open, at most 366 days apart. " +
                             "`Accept: text/csv` gives one row per figure and breakdown (UTF-8 with BOM); `Accept: text/html` a printable page " +
                             "with charts in `lang` (zh-CN or en; default from Accept-Language). Business approvers see their department's systems only.")
            .Produces<WorkReport>(200, Json).AlsoAsCsvAndHtml()
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(406);
        return api;
    }

    /// <summary>Documents the CSV and HTML representations beside the JSON one (Produces would replace it).</summary>
    public static RouteHandlerBuilder AlsoAsCsvAndHtml(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
            {
                content[CsvResult.MediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                content[Html] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
            return Task.CompletedTask;
        });

    public static async Task<IResult> Work(ClaimsPrincipal user, HttpRequest request, ReportStore store, OrganisationStore organisation,
        SlaEngine engine, TimeProvider clock, IOptions<JsonOptions> json, string? unit, string? from, string? to, bool? includeSubunits,
        string? system, string? lang, CancellationToken ct)
    {
        var actor = user.Actor();
        if (Repeated(request, "unit", "from", "to", "includeSubunits", "system", "lang") is { } repeated) return repeated;
        (unit, system) = (Given(unit), Given(system));
        if (Negotiation.Choose(request, Offered) is not { } mediaType) return Negotiation.NotAcceptable(Offered);
        if (Language(request, lang) is not { } language)
            return ProblemResults.Problem(406, "not-acceptable", "Not acceptable", $"lang must be one of {string.Join(", ", Languages)}.",
                new Dictionary<string, object?> { ["supported"] = Languages });
        if (ParseDate("from", from) is { Problem: { } fromProblem }) return fromProblem;
        if (ParseDate("to", to) is { Problem: { } toProblem }) return toProblem;
        var (start, end) = (ParseDate("from", from).Date, ParseDate("to", to).Date);
        if (start >= end) return ProblemResults.Invalid("from", "from must be before to.");
        if (end.DayNumber - start.DayNumber > ReportPeriod.MaxDays) return ProblemResults.Invalid("to", $"A report covers at most {ReportPeriod.MaxDays} days.");

        var unitId = unit ?? actor.UnitId;
        if (await organisation.FindUnitAsync(unitId, ct) is not { } found || !actor.CanSee(found.Path))
            return ProblemResults.NotFound($"Unit '{unitId}' does not exist or is outside your scope.");
        var (systems, problem) = await SystemsAsync(actor, system, store, organisation, ct);
        if (problem is not null) return problem;

        var sla = await engine.ContextAsync(null, ct);
        var period = new ReportPeriod(start, end, sla.TimeZoneOf(found.Path));
        var target = new ReportTarget(found.Path, includeSubunits ?? false, systems);
        // The period and the one before are independent reads: side by side, the report takes as long as the longer one.
        var previousPeriod = period.Previous();
        var (currentWork, previousWork) = (store.WorkAsync(target, period, ct), store.WorkAsync(target, previousPeriod, ct));
        var (current, previous) = (await currentWork, await previousWork);
        var header = new ReportHeader(found.Id, found.Name, target.IncludeSubunits, system, start, end, period.TimeZone.Id, clock.GetUtcNow());
        var report = WorkReport.Of(header, current, PreviousPeriod.Of(previousPeriod, previous));

        var name = $"work-report-{found.Id}-{start:yyyy-MM-dd}-{end:yyyy-MM-dd}";
        return mediaType switch
        {
            CsvResult.MediaType => new CsvResult(name + ".csv", ReportCsv.Header, ReportCsv.Rows(report, json.Value.SerializerOptions)),
            Html => Results.Content(ReportPage.Render(report, language), "text/html; charset=utf-8"),
            _ => TypedResults.Ok(report),
        };
    }

    /// <summary>The systems a report may cover: null for all; the one asked for; a business approver's department's systems.</summary>
    private static async Task<(IReadOnlyList<string>? Systems, IResult? Problem)> SystemsAsync(Actor actor, string? system, ReportStore store,
        OrganisationStore organisation, CancellationToken ct)
    {
        // A system neither serving the caller's unit nor belonging to its subtree is as unknown to the caller as one that does not exist.
        if (system is not null && (await organisation.FindSystemAsync(system, ct) is not { } found
                                   || !(actor.CanSee(found.UnitPath) || UnitPaths.IsWithin(actor.UnitPath, found.UnitPath))))
            return (null, ProblemResults.NotFound($"System '{system}' does not exist or is outside your scope."));
        if (actor.Has(Role.ItManager)) return (system is null ? null : [system], null);
        var owned = actor.Department is { } department ? await store.DepartmentSystemsAsync(department, ct) : [];
        if (system is null) return (owned, null);
        return owned.Contains(system) ? ([system], null) : (null, ProblemResults.NotFound($"System '{system}' is not one of your department's systems."));
    }

    /// <summary>A parameter given more than once (<c>unit=JS&amp;unit=ZJ</c>) is refused rather than read as one joined value.</summary>
    public static IResult? Repeated(HttpRequest request, params string[] names) =>
        names.FirstOrDefault(n => request.Query[n].Count > 1) is { } name ? ProblemResults.Invalid(name, $"Give {name} at most once.") : null;

    /// <summary>An empty parameter (<c>system=</c>) means the same as one left out, as on the other lists.</summary>
    public static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>zh-CN or en: from <c>lang</c>, else the first Accept-Language range that names one (Chinese for any zh), else en.</summary>
    public static string? Language(HttpRequest request, string? lang)
    {
        if (lang is not null) return Languages.FirstOrDefault(l => string.Equals(l, lang, StringComparison.OrdinalIgnoreCase));
        foreach (var range in request.GetTypedHeaders().AcceptLanguage.OrderByDescending(r => r.Quality ?? 1))
        {
            var value = range.Value.Value ?? "";
            if (value.StartsWith("zh", StringComparison.OrdinalIgnoreCase)) return "zh-CN";
            if (value.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return "en";
        }
        return "en";
    }

    private static (DateOnly Date, IResult? Problem) ParseDate(string name, string? value)
    {
        if (string.IsNullOrEmpty(value)) return (default, ProblemResults.Invalid(name, $"{name} is required (a date, yyyy-MM-dd)."));
        // Bounded above too: the previous period and the calendar-month test step months past the dates given, which
        // near the end of year 9999 leaves the calendar.
        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year is >= 2000 and <= 2999
            ? (date, null)
            : (default, ProblemResults.Invalid(name, $"{name} must be a date written yyyy-MM-dd, in the years 2000 to 2999."));
    }
}

/// <summary>The report as CSV: one row per number (a figure, or one entry of a breakdown), the current period's then the previous one's.</summary>
public static class ReportCsv
{
    public static readonly IReadOnlyList<string> Header = ["period", "figure", "value", "definition"];

    private static readonly HashSet<string> NotFigures = ["unit", "unitName", "includeSubunits", "system", "from", "to", "timeZone", "generatedAt", "definitions", "previous"];

    public static async IAsyncEnumerable<IReadOnlyList<string?>> Rows(WorkReport report, JsonSerializerOptions options)
    {
        var root = JsonSerializer.SerializeToElement(report, options);
        foreach (var row in Numbers(root, "current")) yield return row;
        foreach (var row in Numbers(root.GetProperty("previous"), "previous")) yield return row;
        await Task.CompletedTask;
    }

    private static IEnumerable<string?[]> Numbers(JsonElement figures, string period)
    {
        foreach (var property in figures.EnumerateObject())
        {
            if (NotFigures.Contains(property.Name)) continue;
            foreach (var (path, value) in Leaves(property.Value, property.Name))
                yield return [period, path, value, Definition(path)];
        }
    }

    /// <summary>The numbers under an element with their dotted paths; an array's items are named by their first text property (priority, system, date).</summary>
    public static IEnumerable<(string Path, string Value)> Leaves(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                foreach (var leaf in Leaves(p.Value, path + "." + p.Name))
                    yield return leaf;
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    var key = item.EnumerateObject().First(p => p.Value.ValueKind == JsonValueKind.String);
                    foreach (var p in item.EnumerateObject().Where(p => p.Name != key.Name))
                    foreach (var leaf in Leaves(p.Value, $"{path}.{key.Value.GetString()}.{p.Name}"))
                        yield return leaf;
                }
                break;
            case JsonValueKind.Number:
                yield return (path, element.GetRawText());
                break;
            case JsonValueKind.Null:
                yield return (path, "");
                break;
        }
    }

    private static string? Definition(string path)
    {
        var parts = path.Split('.');
        return ReportDefinitions.Work.GetValueOrDefault(parts.Length > 1 ? parts[0] + "." + parts[1] : parts[0])
               ?? ReportDefinitions.Work.GetValueOrDefault(parts[0]);
    }
}
