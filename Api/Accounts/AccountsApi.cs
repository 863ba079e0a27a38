using System.Buffers.Text;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Access;
using Itsm.Api.Csv;
using Itsm.Api.Problems;
using Itsm.Api.Tickets;
using Itsm.Domain.Accounts;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Accounts;
using Itsm.Infrastructure.Organisation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Itsm.Api.Accounts;

/// <summary>
/// The account register (Art. 4, 10(5)): each system's accounts, seen by callers whose scope holds the account's unit,
/// loaded once by import, kept by the AccountPermission changes that alter them and by the uses the applications report.
/// </summary>
public static class AccountsApi
{
    public const long MaxImportBytes = 64L * 1024 * 1024;
    public const long MaxLastUsedBytes = 16L * 1024 * 1024;
    public const int MaxLastUsedEntries = 100_000;
    public static readonly TimeSpan LastUsedSkew = TimeSpan.FromMinutes(5);

    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder api)
    {
        var register = api.MapGroup("/systems/{system}").WithTags("Accounts");
        register.MapGet("/accounts", List).WithName("ListAccounts")
            .WithSummary("A system's accounts in the caller's scope, in login order (dormant ones longest idle first); `Accept: text/csv` exports them all")
            .WithDescription("`dormant=true`: Active accounts idle (last used, or created when never used) for `Accounts:DormantAfterDays` (default 180) " +
                             "days or longer, longest idle first (then by login). `limit` 1–200 (default 25); pass `nextCursor` as `cursor`. As CSV (UTF-8 with BOM) every account the filters " +
                             "find, streamed; paging does not apply.")
            .Produces<AccountPage>().Produces(StatusCodes.Status200OK, contentType: CsvResult.MediaType)
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(406);
        register.MapGet("/accounts/{login}", Get).WithName("GetAccount").WithSummary("One account with its history (what changed, when, by which ticket)")
            .Produces<AccountDetail>().ProducesProblem(404);
        register.MapPost("/accounts:import", Import).WithName("ImportAccounts").Allow(Policies.ItManager)
            .WithSummary("Initial load of the register from CSV: all lines or none (IT managers)")
            .WithDescription("Body `text/csv` with header `login,holder,department,roles,status,lastUsedAt` (roles `;`-separated; optional columns " +
                             "`unit` and `user`). Accounts belong to `unit` (query; default the caller's unit) unless their line names one. A bad line, a " +
                             "login twice or a login already registered: 422 listing each line and why, and nothing is imported. Up to 64 MiB.")
            .Accepts<string>(CsvResult.MediaType)
            .Produces<ImportResult>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        register.MapPost("/accounts:last-used", LastUsed).WithName("ReportAccountUse").Allow(Policies.Integration)
            .WithMetadata(new RequestSizeLimitAttribute(MaxLastUsedBytes))
            .WithSummary("The application reports when logins were last used (Integration keys); only later uses count")
            .Produces<LastUsedResult>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(413);
        return api;
    }

    public static async Task<IResult> List(string system, ClaimsPrincipal user, HttpRequest request, AccountStore store, OrganisationStore organisation,
        AccountOptions options, TimeProvider clock, AccountStatus? status, string? department, bool? dormant, int? limit, string? cursor, CancellationToken ct)
    {
        var media = Negotiation.Choose(request, "application/json", CsvResult.MediaType);
        if (media is null) return Negotiation.NotAcceptable("application/json", CsvResult.MediaType);
        if (await SystemUsedAsync(system, user.Actor(), organisation, ct) is null) return SystemNotFound(system);
        if (department is { Length: > Account.MaxDepartmentLength }) return ProblemResults.Invalid("department", $"department is at most {Account.MaxDepartmentLength} characters.");
        if (limit is < 1 or > TicketsApi.MaxPageSize) return ProblemResults.Invalid("limit", $"limit must be between 1 and {TicketsApi.MaxPageSize}.");
        (string Login, DateTimeOffset? IdleSince)? after = null;
        // A dormant listing's cursor carries the idle instant too, and is no cursor of the plain listing (nor the other way round).
        if (cursor is not null && ((after = DecodeCursor(cursor)) is not { } position || position.IdleSince is null == (dormant == true)))
            return ProblemResults.Invalid("cursor", "cursor is not one this API returned (for these filters).");
        var actor = user.Actor();
        var now = clock.GetUtcNow();
        var query = new AccountQuery(system, status, department, dormant == true ? Account.DormantCutoff(now, options.DormantAfterDays) : null,
            after?.Login, limit ?? 25, after?.IdleSince);
        if (media == CsvResult.MediaType)
            return new CsvResult($"accounts-{system}.csv", ["login", "holder", "department", "roles", "status", "lastUsedAt", "unit", "user"],
                Rows(store.StreamAsync(query, actor, CancellationToken.None)));
        var (items, more) = await store.ListAsync(query, actor, ct);
        return TypedResults.Ok(new AccountPage(items.Select(a => AccountResponse.From(a, now, options.DormantAfterDays)).ToList(),
            more ? EncodeCursor(items[^1], dormant == true) : null));
    }

    /// <summary>The import's columns (and unit, user): an export imports again as it is.</summary>
    private static async IAsyncEnumerable<IReadOnlyList<string?>> Rows(IAsyncEnumerable<Account> accounts)
    {
        await foreach (var a in accounts)
            yield return [a.Login, a.Holder, a.Department, string.Join(';', a.Roles), a.Status.ToString(), a.LastUsedAt?.ToString("O"), a.UnitId, a.UserId];
    }

    public static async Task<IResult> Get(string system, string login, ClaimsPrincipal user, AccountStore store, AccountOptions options, TimeProvider clock,
        CancellationToken ct)
    {
        if (!AccountNames.IsLogin(login) || await store.GetAsync(system, login, user.Actor(), ct) is not { } account)
            return ProblemResults.NotFound($"Account '{login}' of system '{system}' does not exist or is outside your scope.");
        var history = await store.HistoryAsync(account.Id, ct);
        return TypedResults.Ok(new AccountDetail(AccountResponse.From(account, clock.GetUtcNow(), options.DormantAfterDays),
            history.Select(h => new AccountHistoryResponse(h.At, h.ActorId, h.Change, h.Role, h.TicketId, JsonNode.Parse(h.Details))).ToList()));
    }

    public static async Task<IResult> Import(string system, string? unit, HttpContext http, AccountStore store, OrganisationStore organisation,
        TimeProvider clock, CancellationToken ct)
    {
        // The register's first load is larger than any other request: this endpoint alone takes up to MaxImportBytes.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxImportBytes;
        var actor = http.User.Actor();
        if (CsvUpload.Refusal(http.Request.ContentType) is { } unsupported) return unsupported;
        if (await SystemUsedAsync(system, actor, organisation, ct) is not { } found) return SystemNotFound(system);
        var target = await organisation.FindUnitAsync(unit ?? actor.UnitId, ct);
        if (target is null || !actor.CanSee(target.Path))
            return ProblemResults.Unprocessable("unit", $"Unit '{unit}' does not exist or is outside your scope.");
        if (!UnitPaths.IsWithin(target.Path, found.UnitPath))
            return ProblemResults.Unprocessable("unit", $"Unit '{target.Id}' does not use system '{found.Id}' (it belongs to unit '{found.UnitId}').");
        var now = clock.GetUtcNow();
        // Bytes that are not UTF-8 become U+FFFD, which the CSV reader refuses naming their line.
        using var reader = new StreamReader(http.Request.Body, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: false);
        IReadOnlyList<Account> accounts;
        IReadOnlyList<ImportLineError> errors;
        try
        {
            (accounts, errors) = await AccountImport.ReadAsync(reader, found, target, actor, organisation, now, ct);
        }
        catch (DecoderFallbackException)
        {
            return ImportRefused([new ImportLineError(1, "the file is not UTF-8 text.")]);
        }
        if (errors.Count > 0) return ImportRefused(errors);
        var existing = await store.ExistingAsync(found.Id, accounts.Select(a => a.Login).ToList(), ct);
        if (existing.Count > 0)
        {
            // Registered logins are named (line 0: not one line's fault): changing them is an AccountPermission ticket's work.
            return ImportRefused(existing.Take(AccountImport.MaxErrors).Select(l => new ImportLineError(0, $"login '{l}' is already registered.")).ToList());
        }
        try
        {
            await store.ImportAsync(accounts, actor.UserId, now, ct);
        }
        catch (System.Data.Common.DbException e) when (store.IsUniqueViolation(e))
        {
            return ImportRefused([new ImportLineError(0, "a login was registered by someone else meanwhile; nothing was imported.")]);
        }
        return TypedResults.Ok(new ImportResult(accounts.Count));
    }

    public static async Task<IResult> LastUsed(string system, List<LastUsedEntry?> body, ClaimsPrincipal user, AccountStore store,
        OrganisationStore organisation, TimeProvider clock, CancellationToken ct)
    {
        if (body.Count > MaxLastUsedEntries) return ProblemResults.Invalid("body", $"at most {MaxLastUsedEntries} entries per request.");
        // An application's clock may run a little ahead of ours; a use further in the future is a mistake, as the import says.
        var latest = clock.GetUtcNow() + LastUsedSkew;
        for (var i = 0; i < body.Count; i++)
        {
            if (body[i] is not { } entry) return ProblemResults.Invalid($"body[{i}]", $"item {i} is null: each item is {{login, lastUsedAt}}.");
            if (!AccountNames.IsLogin(entry.Login)) return ProblemResults.Invalid($"body[{i}].login", $"item {i}: {AccountNames.LoginRule}.");
            if (entry.LastUsedAt is not { } at) return ProblemResults.Invalid($"body[{i}].lastUsedAt", $"item {i} has no lastUsedAt.");
            if (at > latest) return ProblemResults.Invalid($"body[{i}].lastUsedAt", $"item {i}: lastUsedAt {at:O} is in the future.");
        }
        if (await organisation.FindSystemAsync(system, ct) is null) return SystemNotFound(system);
        var unknown = await store.LastUsedAsync(system, body.Select(e => (e!.Login, e.LastUsedAt!.Value.ToUniversalTime())).ToList(), user.Actor(), ct);
        return TypedResults.Ok(new LastUsedResult(body.Count, unknown));
    }

    private static IResult ImportRefused(IReadOnlyList<ImportLineError> errors) =>
        ProblemResults.Problem(422, "import-refused", "The import was refused; nothing was imported",
            string.Join(" ", errors.Take(10).Select(e => e.Line > 0 ? $"line {e.Line}: {e.Reason}" : e.Reason)),
            new Dictionary<string, object?> { ["errors"] = errors });

    public static IResult SystemNotFound(string system) => ProblemResults.NotFound($"System '{system}' does not exist or is not used by your units.");

    /// <summary>The system when one of the caller's units uses it: the register of another province's system is not theirs to know of.</summary>
    private static async Task<BusinessSystem?> SystemUsedAsync(string system, Actor actor, OrganisationStore organisation, CancellationToken ct) =>
        (await organisation.SystemsForAsync(actor, ct)).FirstOrDefault(s => s.Id == system);

    /// <summary><c>l1:login</c> in login order; <c>i1:ticks:login</c> (the UTC ticks of the idle instant) for dormant pages.</summary>
    private static string EncodeCursor(Account last, bool dormant) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(dormant
        ? $"i1:{last.IdleSince.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{last.Login}"
        : "l1:" + last.Login));

    private static (string Login, DateTimeOffset? IdleSince)? DecodeCursor(string cursor)
    {
        if (cursor.Length > 200 || !Base64Url.IsValid(cursor)) return null;
        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        if (text.StartsWith("l1:", StringComparison.Ordinal)) return text.Length > 3 ? (text[3..], null) : null;
        if (!text.StartsWith("i1:", StringComparison.Ordinal) || text.IndexOf(':', 3) is var colon && colon < 0) return null;
        return long.TryParse(text.AsSpan(3, colon - 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
               && ticks <= DateTimeOffset.MaxValue.UtcTicks && colon + 1 < text.Length
            ? (text[(colon + 1)..], new DateTimeOffset(ticks, TimeSpan.Zero))
            : null;
    }
}
