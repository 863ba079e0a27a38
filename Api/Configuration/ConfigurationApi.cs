using System.Buffers.Text;
using System.Security.Claims;
using System.Text;
using System.Text.RegularExpressions;
using Itsm.Api.Access;
using Itsm.Api.Csv;
using Itsm.Api.Problems;
using Itsm.Api.Validation;
using Itsm.Domain.Configuration;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Configuration;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Tickets;
using Microsoft.AspNetCore.Mvc;

namespace Itsm.Api.Configuration;

/// <summary>
/// A system's configuration inventory (配置清单): what each setting is in each environment, and every value it had with the
/// ticket that changed it. Callers see the items of units in their scope; configuration changes keep it as they are
/// resolved; IT managers and line 2 engineers enter the initial load.
/// </summary>
public static class ConfigurationApi
{
    public const int MaxPageSize = 200;

    /// <summary>The rows of one import (the initial load of a large system).</summary>
    public const int MaxImportRows = 20_000;

    /// <summary>An import's body may be larger than the service's usual 1 MiB: 20,000 rows with room for long values.</summary>
    public const long MaxImportBytes = 32L * 1024 * 1024;

    private static readonly string[] Offered = ["application/json", CsvResult.MediaType];

    public static RouteGroupBuilder MapConfiguration(this RouteGroupBuilder api)
    {
        var items = api.MapGroup("/systems/{system}/configuration-items").WithTags("Configuration inventory");
        items.MapGet("", List).WithName("ListConfigurationItems")
            .WithSummary("The system's configuration items in your scope, by environment and key (JSON pages, or all of them as CSV with Accept: text/csv)")
            .Produces<ConfigurationItemPage>().Produces(StatusCodes.Status200OK, contentType: CsvResult.MediaType)
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(406);
        items.MapGet("/{key}", Get).WithName("GetConfigurationItem")
            .WithSummary("One configuration item with every value it had (newest first): when, by whom, through which ticket")
            .Produces<ConfigurationItemResponse>().ProducesValidationProblem().ProducesProblem(404);
        items.MapPost("", Create).WithName("CreateConfigurationItem").Allow(Policies.InventoryKeeper)
            .WithSummary("Enter a configuration item (IT managers, and engineers of a line 2 group serving its unit)")
            .Produces<ConfigurationItemResponse>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        api.MapPost("/systems/{system}/configuration-items:import", Import).WithName("ImportConfigurationItems").WithTags("Configuration inventory")
            .Allow(Policies.InventoryKeeper)
            .WithSummary("The initial load: CSV with the header key,environment,value,description; all lines or none (422 lists each bad line)")
            .Accepts<string>(CsvResult.MediaType).WithMetadata(new RequestSizeLimitAttribute(MaxImportBytes))
            .Produces<ConfigurationImportResponse>().ProducesValidationProblem()
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        return api;
    }

    /// <param name="system">The system's id.</param>
    /// <param name="environment">Only this environment (e.g. <c>Production</c>).</param>
    /// <param name="key">Only keys starting with this text (e.g. <c>posting.</c>).</param>
    /// <param name="limit">Page size, 1–200 (default 50); JSON only: CSV has every item.</param>
    /// <param name="cursor">The <c>nextCursor</c> of the previous page.</param>
    public static async Task<IResult> List(string system, string? environment, string? key, int? limit, string? cursor, HttpRequest request,
        ClaimsPrincipal user, OrganisationStore organisation, ConfigurationStore store, CancellationToken ct)
    {
        var actor = user.Actor();
        var media = Negotiation.Choose(request, Offered);
        if (media is null) return Negotiation.NotAcceptable(Offered);
        if (BadName(environment, "environment", ConfigurationItem.MaxEnvironmentLength) is { } badEnvironment) return badEnvironment;
        if (key is not null && (key.Length is 0 or > ConfigurationItem.MaxKeyLength || !KeyPrefix.IsMatch(key)))
            return ProblemResults.Invalid("key", $"key is the start of a key: 1–{ConfigurationItem.MaxKeyLength} letters, digits or . _ - :");
        if (limit is < 1 or > MaxPageSize) return ProblemResults.Invalid("limit", $"limit must be between 1 and {MaxPageSize}.");
        (string, string)? after = null;
        if (cursor is not null)
        {
            if (DecodeCursor(cursor) is not { } position) return ProblemResults.Invalid("cursor", "cursor is not one this API returned.");
            after = position;
        }
        if (await SystemInScopeAsync(system, actor, organisation, ct) is null) return SystemNotFound(system);

        var filter = new InventoryFilter(environment, key);
        if (media == CsvResult.MediaType)
            return new CsvResult($"{system}-configuration.csv", CsvHeader,
                store.StreamAsync(system, actor, filter, ct).Select(i => (IReadOnlyList<string?>)
                    [i.Key, i.Environment, i.Value, i.Description, i.UnitId, i.Owner, i.CreatedBy.ToString(), i.Version.ToString(), i.UpdatedAt.ToString("O")]));

        var size = limit ?? 50;
        var page = await store.PageAsync(system, actor, filter, after, size + 1, ct);
        var next = page.Count > size ? EncodeCursor(page[size - 1].Environment, page[size - 1].Key) : null;
        return TypedResults.Ok(new ConfigurationItemPage(page.Take(size).Select(i => ConfigurationItemResponse.From(i)).ToList(), next));
    }

    /// <summary>The columns of the CSV export; an import reads the first four and accepts (ignores) the others.</summary>
    private static readonly string[] CsvHeader = ["key", "environment", "value", "description", "unit", "owner", "createdBy", "version", "updatedAt"];

    /// <param name="environment">The environment (default <c>Production</c>).</param>
    public static async Task<IResult> Get(string system, string key, string? environment, ClaimsPrincipal user, OrganisationStore organisation,
        ConfigurationStore store, CancellationToken ct)
    {
        var actor = user.Actor();
        environment ??= ConfigurationItem.Production;
        if (BadName(environment, "environment", ConfigurationItem.MaxEnvironmentLength) is { } badEnvironment) return badEnvironment;
        if (BadName(key, "key", ConfigurationItem.MaxKeyLength) is { } badKey) return badKey;
        if (await SystemInScopeAsync(system, actor, organisation, ct) is null) return SystemNotFound(system);
        var found = await store.FindAsync(system, environment, key, actor, ct);
        return found is { } f
            ? TypedResults.Ok(ConfigurationItemResponse.From(f.Item, f.Versions))
            : ProblemResults.NotFound($"System '{system}' has no configuration item '{key}' in {environment} in your scope.");
    }

    public static async Task<IResult> Create(string system, CreateConfigurationItemRequest body, ClaimsPrincipal user, HttpResponse response,
        OrganisationStore organisation, ConfigurationStore store, TicketStore tickets, CancellationToken ct)
    {
        var actor = user.Actor();
        var (found, unit, problem) = await PlaceAsync(system, body.Unit, body.Owner, actor, organisation, ct);
        if (problem is not null) return problem;
        if (body.Ticket is { } ticketId && (await tickets.GetAsync(ticketId, actor, ct) is not { } ticket || ticket.SystemId != found!.Id))
            return ProblemResults.Unprocessable("ticket", $"Ticket {ticketId} is not a ticket of system '{system}' in your scope.");
        var created = await store.CreateAsync(found!, unit!, body.Owner, new NewItem(body.Key, body.Environment, body.Value, body.Description),
            actor, body.Ticket, ct);
        if (created is null)
            return ProblemResults.Problem(409, "configuration-item-exists", "Already in the inventory",
                $"System '{system}' already has '{body.Key}' in {body.Environment}: it changes through a configuration change.");
        response.Headers.Location = $"/api/v1/systems/{Uri.EscapeDataString(system)}/configuration-items/{Uri.EscapeDataString(created.Key)}" +
                                    $"?environment={Uri.EscapeDataString(created.Environment)}";
        return TypedResults.Created(response.Headers.Location.ToString(), ConfigurationItemResponse.From(created));
    }

    /// <param name="unit">Whose configuration the lines are (default as for one item: the system's unit when in your scope, else yours).</param>
    /// <param name="owner">The support group that looks after them.</param>
    public static async Task<IResult> Import(string system, string? unit, string? owner, HttpRequest request, ClaimsPrincipal user,
        OrganisationStore organisation, ConfigurationStore store, CancellationToken ct)
    {
        var actor = user.Actor();
        if (CsvUpload.Refusal(request.ContentType) is { } unsupported) return unsupported;
        if (unit is { Length: 0 or > 64 }) return ProblemResults.Invalid("unit", "unit is a unit id of 1–64 characters.");
        if (owner is { Length: 0 or > 64 }) return ProblemResults.Invalid("owner", "owner is a group id of 1–64 characters.");
        var (found, place, problem) = await PlaceAsync(system, unit, owner, actor, organisation, ct);
        if (problem is not null) return problem;

        var (lines, errors) = await ReadImportAsync(request, ct);
        if (errors.Count == 0 && lines.Count == 0) errors.Add(new LineError(1, "the file has no lines after the header"));
        if (errors.Count > 0) return ImportRefused(errors);
        var taken = await store.ImportAsync(found!, place!, owner, lines, actor, ct);
        if (taken.Count > 0)
            return ImportRefused(taken.Select(l => new LineError(l, "the system already has this key in this environment " +
                                                                    "(after the initial load a setting changes through a configuration change)")).ToList());
        return TypedResults.Ok(new ConfigurationImportResponse(lines.Count));
    }

    private sealed record LineError(int Line, string Reason);

    private static IResult ImportRefused(IReadOnlyList<LineError> errors) =>
        ProblemResults.Problem(422, "import-refused", "Nothing was imported",
            $"{errors.Count} line(s) cannot be imported: " + string.Join("; ", errors.Take(5).Select(e => $"line {e.Line}: {e.Reason}")) +
            (errors.Count > 5 ? "; …" : "") + ". Correct them and send the whole file again.",
            new Dictionary<string, object?> { ["lines"] = errors.Take(1000).Select(e => new { line = e.Line, reason = e.Reason }).ToList() });

    private static readonly HashSet<string> KnownColumns = new(CsvHeader, StringComparer.OrdinalIgnoreCase);

    /// <summary>The file's lines as items, or every line's reason for refusal (a file with any is imported not at all).</summary>
    private static async Task<(List<(int Line, NewItem Item)> Lines, List<LineError> Errors)> ReadImportAsync(HttpRequest request, CancellationToken ct)
    {
        var lines = new List<(int, NewItem)>();
        var errors = new List<LineError>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        // Bytes that are not UTF-8 become U+FFFD, which the CSV reader refuses naming their line.
        using var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: false));
        Dictionary<string, int>? columns = null;
        try
        {
            await foreach (var record in CsvDocument.ReadAsync(reader).WithCancellation(ct))
            {
                if (columns is null)
                {
                    columns = record.Fields.Select((name, i) => (name: name.Trim(), i)).GroupBy(c => c.name, StringComparer.OrdinalIgnoreCase)
                        .ToDictionary(g => g.Key, g => g.First().i, StringComparer.OrdinalIgnoreCase);
                    var unknown = columns.Keys.Where(c => !KnownColumns.Contains(c)).ToList();
                    var missing = new[] { "key", "environment", "value" }.Where(c => !columns.ContainsKey(c)).ToList();
                    if (missing.Count > 0 || unknown.Count > 0 || columns.Count != record.Fields.Count)
                    {
                        errors.Add(new LineError(record.Line, "the header is key,environment,value,description" +
                            (missing.Count > 0 ? $" (missing: {string.Join(", ", missing)})" : "") +
                            (unknown.Count > 0 ? $" (unknown: {string.Join(", ", unknown)})" : "")));
                        break;
                    }
                    continue;
                }
                if (lines.Count + errors.Count >= MaxImportRows)
                {
                    errors.Add(new LineError(record.Line, $"an import has at most {MaxImportRows} lines: split the file"));
                    break;
                }
                if (record.Fields.Count != columns.Count)
                {
                    errors.Add(new LineError(record.Line, $"{record.Fields.Count} fields where the header has {columns.Count}"));
                    continue;
                }
                var key = record.Fields[columns["key"]];
                var environment = record.Fields[columns["environment"]];
                var value = record.Fields[columns["value"]];
                var description = columns.TryGetValue("description", out var d) && record.Fields[d].Length > 0 ? record.Fields[d] : null;
                var reason = NameError(key, "key", ConfigurationItem.MaxKeyLength)
                             ?? NameError(environment, "environment", ConfigurationItem.MaxEnvironmentLength)
                             ?? TextError(value, "value", ConfigurationItem.MaxValueLength)
                             ?? (description is null ? null : TextError(description, "description", ConfigurationItem.MaxDescriptionLength));
                if (reason is null && seen.TryGetValue(environment + "\n" + key, out var first))
                    reason = $"{key} in {environment} is already on line {first}";
                if (reason is not null)
                {
                    errors.Add(new LineError(record.Line, reason));
                    continue;
                }
                seen[environment + "\n" + key] = record.Line;
                lines.Add((record.Line, new NewItem(key, environment, value, description)));
            }
        }
        catch (CsvFormatException e)
        {
            errors.Add(new LineError(e.Line, e.Reason));
        }
        catch (DecoderFallbackException)
        {
            errors.Add(new LineError(lines.Count + 1, "the file is not UTF-8 text (save it as CSV UTF-8)"));
        }
        return (lines, errors);
    }

    private static string? NameError(string text, string field, int max) =>
        text.Length is 0 || text.Length > max || !Name.IsMatch(text)
            ? $"{field} '{(text.Length > 40 ? text[..40] + "…" : text)}' is not 1–{max} letters, digits or . _ - : (starting with a letter or digit)"
            : null;

    private static string? TextError(string text, string field, int max) =>
        text.Length > max ? $"{field} has {text.Length} characters; at most {max}"
        : !PlainTextAttribute.IsPlain(text, multiline: true) ? $"{field} contains control characters or bidirectional overrides"
        : null;

    /// <summary>
    /// The system (one the caller's units use), the unit the items are for (default: the system's unit when in scope, else
    /// the caller's) and its owner group; and whether the caller keeps this unit's inventory.
    /// </summary>
    private static async Task<(BusinessSystem? System, Unit? Unit, IResult? Problem)> PlaceAsync(string systemId, string? unitId, string? owner,
        Actor actor, OrganisationStore organisation, CancellationToken ct)
    {
        if (await SystemInScopeAsync(systemId, actor, organisation, ct) is not { } system) return (null, null, SystemNotFound(systemId));
        unitId ??= actor.CanSee(system.UnitPath) ? system.UnitId : actor.UnitId;
        if (await organisation.FindUnitAsync(unitId, ct) is not { } unit || !actor.CanSee(unit.Path))
            return (null, null, ProblemResults.Unprocessable("unit", $"Unit '{unitId}' is not a unit in your scope."));
        if (!UnitPaths.IsWithin(unit.Path, system.UnitPath))
            return (null, null, ProblemResults.Unprocessable("unit", $"Unit '{unit.Id}' does not use system '{system.Id}' (it belongs to unit '{system.UnitId}')."));
        if (owner is not null && (await organisation.FindGroupAsync(owner, ct) is not { } group || !UnitPaths.IsWithin(unit.Path, group.UnitPath)))
            return (null, null, ProblemResults.Unprocessable("owner", $"Group '{owner}' is not a group serving unit '{unit.Id}'."));
        var groups = await organisation.GroupsForAsync(actor, ct);
        if (!InventoryKeepers.MayKeep(actor, groups, unit.Path))
            return (null, null, ProblemResults.Problem(403, "forbidden", "Forbidden", InventoryKeepers.Refusal));
        return (system, unit, null);
    }

    private static async Task<BusinessSystem?> SystemInScopeAsync(string systemId, Actor actor, OrganisationStore organisation, CancellationToken ct) =>
        (await organisation.SystemsForAsync(actor, ct)).FirstOrDefault(s => s.Id == systemId);

    private static IResult SystemNotFound(string system) => ProblemResults.NotFound($"System '{system}' does not exist or is not used by your units.");

    private static IResult? BadName(string? text, string field, int max) =>
        text is not null && NameError(text, field, max) is { } reason ? ProblemResults.Invalid(field, reason) : null;

    // \z, not $: "$" also matches before a final line break.
    private static readonly Regex Name = new(ConfigurationItem.NamePattern.Replace("$", @"\z"), RegexOptions.CultureInvariant);
    private static readonly Regex KeyPrefix = new("^[A-Za-z0-9._:-]+$", RegexOptions.CultureInvariant);

    private const string CursorKind = "ci1:";

    private static string EncodeCursor(string environment, string key) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(CursorKind + environment + "\n" + key));

    private static (string Environment, string Key)? DecodeCursor(string cursor)
    {
        if (cursor.Length > 400 || !Base64Url.IsValid(cursor)) return null;
        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        if (!text.StartsWith(CursorKind, StringComparison.Ordinal)) return null;
        var parts = text[CursorKind.Length..].Split('\n');
        return parts.Length == 2 && Name.IsMatch(parts[0]) && Name.IsMatch(parts[1]) ? (parts[0], parts[1]) : null;
    }
}
