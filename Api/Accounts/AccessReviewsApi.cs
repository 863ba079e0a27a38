using System.Security.Claims;
using Itsm.Api.Access;
using Itsm.Api.Csv;
using Itsm.Api.Problems;
using Itsm.Api.Tickets;
using Itsm.Domain.Accounts;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Accounts;
using Itsm.Infrastructure.Organisation;

namespace Itsm.Api.Accounts;

/// <summary>
/// Access reviews (each quarter every account is reviewed): one system's Active accounts in one unit and its sub-units,
/// each kept or revoked by the business department that owns the system there.
/// </summary>
public static class AccessReviewsApi
{
    public static RouteGroupBuilder MapAccessReviews(this RouteGroupBuilder api)
    {
        var reviews = api.MapGroup("/access-reviews").WithTags("Access reviews");
        reviews.MapPost("/", Open).WithName("OpenAccessReview").Allow(Policies.ItManager)
            .WithSummary("Open a review of a system's Active accounts in a unit and its sub-units, due by `dueBy` (IT managers)")
            .Produces<ReviewResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(403).ProducesProblem(422);
        reviews.MapGet("/", List).WithName("ListAccessReviews").WithSummary("Reviews in the caller's scope, newest first")
            .Produces<ReviewPage>().ProducesValidationProblem();
        reviews.MapGet("/{id:long}", Get).WithName("GetAccessReview")
            .WithSummary("One review with its items and decisions; `Accept: text/csv` exports the items")
            .Produces<ReviewResponse>().Produces(StatusCodes.Status200OK, contentType: CsvResult.MediaType).ProducesProblem(404).ProducesProblem(406);
        reviews.MapPost("/{id:long}/items/{login}", Decide).WithName("DecideAccessReviewItem")
            .WithSummary("Keep or revoke one account (approvers of the owning department); a Revoke raises an AccountPermission ticket")
            .WithDescription("The review is Completed when every item is decided. A Revoke raises one AccountPermission ticket requested by `system`, " +
                             "with the whole plan written and `accountChanges` proposed (Disable); it is approved as any change, and whoever approves " +
                             "it may not implement it.")
            .Produces<ReviewResponse>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    public static async Task<IResult> Open(OpenReviewRequest body, ClaimsPrincipal user, OrganisationStore organisation, AccessReviews reviewing,
        AccessReviewStore store, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        if (body.DueBy!.Value <= clock.GetUtcNow()) return ProblemResults.Unprocessable("dueBy", "dueBy must be in the future.");
        // A system none of the caller's units uses is answered as one that does not exist: its owner is not the caller's business.
        if ((await organisation.SystemsForAsync(actor, ct)).FirstOrDefault(s => s.Id == body.System) is not { } system)
            return ProblemResults.Unprocessable("system", $"System '{body.System}' does not exist or is not used by your units.");
        var unit = await organisation.FindUnitAsync(body.Unit ?? actor.UnitId, ct);
        if (unit is null || !actor.CanSee(unit.Path)) return ProblemResults.Unprocessable("unit", $"Unit '{body.Unit}' does not exist or is outside your scope.");
        if (!UnitPaths.IsWithin(unit.Path, system.UnitPath))
            return ProblemResults.Unprocessable("unit", $"Unit '{unit.Id}' does not use system '{system.Id}'.");
        if (await reviewing.OpenAsync(system, unit, body.DueBy.Value.ToUniversalTime(), actor.UserId, null, ct) is not { } id)
            return ProblemResults.Problem(422, "nothing-to-review", "Nothing to review",
                $"System '{system.Id}' has no Active account in unit '{unit.Id}' and its sub-units: the review would have no item to decide.");
        var review = (await store.GetAsync(id, actor, ct))!;
        return TypedResults.Created($"/api/v1/access-reviews/{id}", ReviewResponse.From(review, await store.ItemsAsync(id, ct), true));
    }

    public static async Task<IResult> List(ClaimsPrincipal user, AccessReviewStore store, string? system, ReviewState? state, int? limit, string? cursor,
        CancellationToken ct)
    {
        var (size, before, problem) = Paging.Parse(limit, cursor);
        if (problem is not null) return problem;
        if (system is { Length: > 64 }) return ProblemResults.Invalid("system", "system is at most 64 characters.");
        var (items, more) = await store.ListAsync(system, state, before, size, user.Actor(), ct);
        var page = new List<ReviewResponse>();
        foreach (var review in items) page.Add(ReviewResponse.From(review, await store.ItemsAsync(review.Id, ct), false));
        return TypedResults.Ok(new ReviewPage(page, more ? Cursor.Encode(items[^1].Id) : null));
    }

    public static async Task<IResult> Get(long id, ClaimsPrincipal user, HttpRequest request, AccessReviewStore store, CancellationToken ct)
    {
        var media = Negotiation.Choose(request, "application/json", CsvResult.MediaType);
        if (media is null) return Negotiation.NotAcceptable("application/json", CsvResult.MediaType);
        if (await store.GetAsync(id, user.Actor(), ct) is not { } review) return NotFound(id);
        var items = await store.ItemsAsync(id, ct);
        if (media == CsvResult.MediaType)
            return new CsvResult($"access-review-{id}.csv", ["login", "holder", "roles", "decision", "comment", "decidedBy", "decidedAt", "ticket"],
                Rows(items));
        return TypedResults.Ok(ReviewResponse.From(review, items, true));
    }

    private static async IAsyncEnumerable<IReadOnlyList<string?>> Rows(IReadOnlyList<ReviewItem> items)
    {
        await Task.CompletedTask;
        foreach (var i in items)
            yield return [i.Login, i.Holder, string.Join(';', i.Roles), i.Decision?.ToString(), i.Comment, i.DecidedBy, i.DecidedAt?.ToString("O"),
                i.TicketId?.ToString(System.Globalization.CultureInfo.InvariantCulture)];
    }

    public static async Task<IResult> Decide(long id, string login, DecisionRequest body, ClaimsPrincipal user, AccessReviews reviewing,
        AccessReviewStore store, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await store.GetAsync(id, actor, ct) is not { } review) return NotFound(id);
        if (!AccountNames.IsLogin(login)) return ProblemResults.NotFound($"Access review {id} has no item for login '{login}'.");
        if (body.Decision == ReviewDecision.Revoke && body.Comment is null)
            return ProblemResults.Invalid("comment", "a Revoke says why (it becomes part of the ticket's plan).");
        switch (await reviewing.DecideAsync(review, login, body.Decision!.Value, body.Comment, actor, ct))
        {
            case DecisionRefusal.NotFound:
                return ProblemResults.NotFound($"Access review {id} has no item for login '{login}'.");
            case DecisionRefusal.NotOwningDepartment:
                return ProblemResults.Problem(403, "not-owning-department", "Forbidden",
                    $"Only approvers of the owning department ({review.Department ?? "none: the system has no owner at this unit"}) decide this review.");
            case DecisionRefusal.AlreadyDecided:
                return ProblemResults.Problem(409, "already-decided", "The item is decided", $"Login '{login}' of access review {id} is decided already.");
        }
        review = (await store.GetAsync(id, actor, ct))!;
        return TypedResults.Ok(ReviewResponse.From(review, await store.ItemsAsync(id, ct), true));
    }

    private static IResult NotFound(long id) => ProblemResults.NotFound($"Access review {id} does not exist or is outside your scope.");
}
