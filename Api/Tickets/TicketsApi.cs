using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Api.Search;
using Itsm.Domain.Organisation;
using Itsm.Api.RateLimits;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Tickets;
using Microsoft.AspNetCore.Mvc;

namespace Itsm.Api.Tickets;

/// <summary>Raising, reading and listing tickets; their history and comments.</summary>
public static class TicketsApi
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapTickets(this RouteGroupBuilder api)
    {
        var tickets = api.MapGroup("/tickets").WithTags("Tickets");

        tickets.MapPost("/", Create).WithName("RequestTicket").RequireRateLimiting(CallerLimits.IntegrationCreates)
            .WithSummary("Raise a ticket (request)")
            .WithDescription("Creates a ticket in status New, owned by the caller's unit (or `unit`, within the caller's scope). " +
                             "The priority follows from impact × urgency. Returns the ticket with its `ETag` and `Location`. " +
                             "With `externalRef`, a reference this caller already raised returns that ticket (200) instead. " +
                             "ServiceDesk and Integration callers may raise it `onBehalfOf` a person in their scope, who becomes the " +
                             "requester (403 for other callers, 422 for a user who does not exist, is outside the scope or is not a person). " +
                             "A change may come with the business department's `plan` (at least `what`); for any other category `plan` is refused (400).")
            .Produces<TicketResponse>(StatusCodes.Status201Created)
            .Produces<TicketResponse>(StatusCodes.Status200OK)
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(422);

        tickets.MapGet("/", List).WithName("ListTickets")
            .WithSummary("List tickets, newest first, with filters and keyset paging")
            .WithDescription("Only tickets within the caller's unit subtree (requesters: their own). `limit` 1–200 (default 25); " +
                             "pass the response's `nextCursor` as `cursor` for the next page. With `updatedSince` the list is the tickets " +
                             "changed after that change sequence, oldest change first: a poller passes the largest `changeSequence` it " +
                             "has seen (0 at first) and never misses an update.")
            .Produces<TicketPage>().ProducesValidationProblem();

        tickets.MapGet("/{id:long}", Get).WithName("GetTicket")
            .WithSummary("Get a ticket with the actions the caller may take now")
            .Produces<TicketResponse>().ProducesProblem(404);

        tickets.MapGet("/{id:long}/history", History).WithName("GetTicketHistory")
            .WithSummary("Every change to the ticket: who, when, action, status before → after, details")
            .WithDescription("Oldest first, in pages of `limit` (1–200, default 100); pass `nextCursor` as `cursor` for the next page.")
            .Produces<HistoryPage>().ProducesValidationProblem().ProducesProblem(404);

        tickets.MapGet("/{id:long}/comments", Comments).WithName("ListComments")
            .WithSummary("Comments on the ticket (internal work notes are hidden from requesters)")
            .WithDescription("Oldest first, in pages of `limit` (1–200, default 100); pass `nextCursor` as `cursor` for the next page.")
            .Produces<CommentPage>().ProducesValidationProblem().ProducesProblem(404);

        tickets.MapPost("/{id:long}/comments", AddComment).WithName("AddComment")
            .WithSummary("Comment publicly or add an internal work note")
            .WithDescription("Comments do not change the ticket's status or version, so they need no If-Match. Each caller may add " +
                             "`Tickets:CommentsPerMinute` comments (default 10) to one ticket per minute; beyond that 429 with `Retry-After`.")
            .Produces<CommentResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429);

        return api;
    }

    public static async Task<IResult> Create(CreateTicketRequest body, ClaimsPrincipal user, HttpResponse response,
        OrganisationStore organisation, TicketStore store, TicketChanges changes, SlaEngine sla, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        if (Ticket.RaiseRefusal(actor, body.OnBehalfOf ?? actor.UserId, clock.GetUtcNow()) is { } refused) return ProblemResults.From(refused);
        OrganisationUser? requester = null;
        if (body.OnBehalfOf is { } onBehalfOf && onBehalfOf != actor.UserId)
        {
            requester = await organisation.FindUserAsync(onBehalfOf, ct);
            if (requester is null || !actor.CanSee(requester.UnitPath))
                return ProblemResults.Unprocessable("onBehalfOf", $"User '{onBehalfOf}' does not exist or is outside your scope.");
            if (!requester.IsPerson)
                return ProblemResults.Unprocessable("onBehalfOf", $"User '{onBehalfOf}' is another system, not a person: a ticket is raised on behalf of a person.");
            if (!requester.IsRequester)
                return ProblemResults.Unprocessable("onBehalfOf",
                    $"User '{onBehalfOf}' does not hold the Requester role, so could neither confirm nor reopen the ticket.");
        }
        var unit = await organisation.FindUnitAsync(body.Unit ?? requester?.UnitId ?? actor.UnitId, ct);
        if (unit is null || !actor.CanSee(unit.Path))
            return ProblemResults.Unprocessable("unit", $"Unit '{body.Unit}' does not exist or is outside your scope.");
        if (requester is not null && !requester.Sees(unit.Path))
            return ProblemResults.Unprocessable("unit",
                $"Unit '{unit.Id}' is outside the scope of '{requester.Id}', who would not see the ticket: raise it at their unit or below.");
        var system = await organisation.FindSystemAsync(body.System, ct);
        if (system is null)
            return ProblemResults.Unprocessable("system", $"System '{body.System}' does not exist.");

        var reference = body.ExternalRef is { } r ? new ExternalRef(r.System, r.Id) : null;
        var request = new TicketRequest(body.Title.Trim(), body.Description, body.Category!.Value, body.Impact!.Value, body.Urgency!.Value, reference,
            body.Plan?.ToPlan());
        var now = clock.GetUtcNow();
        var (ticket, error) = Ticket.Raise(request, actor, unit, system, await organisation.PriorityMatrixAsync(ct), now, requester?.Id);
        if (error is not null) return ProblemResults.From(error);
        // The external reference is the caller's own, whomever it raised the ticket for.
        if (reference is not null && await store.FindByExternalRefAsync(actor.UserId, reference, ct) is { } existing)
            return Found(existing);

        var (saved, raced) = await changes.RaiseAsync(ticket!, await sla.ContextAsync(null, ct), ct);
        if (raced) return Found(saved);
        response.SetETag(ticket!);
        return TypedResults.Created($"/api/v1/tickets/{ticket!.Id}", TicketResponse.From(ticket, actor, now));

        IResult Found(Ticket found)
        {
            response.SetETag(found);
            response.Headers.Location = $"/api/v1/tickets/{found.Id}";
            return TypedResults.Ok(TicketResponse.From(found, actor, clock.GetUtcNow()));
        }
    }

    public static async Task<IResult> Get(long id, ClaimsPrincipal user, HttpResponse response, WatcherStore watchers, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        var (ticket, onlyWatching) = await watchers.FindVisibleAsync(id, actor, ct);
        if (ticket is null) return NotFound(id);
        response.SetETag(ticket);
        var view = TicketResponse.From(ticket, actor, clock.GetUtcNow());
        // A watcher outside the ticket's scope reads it and gets its notifications; acting on it (commenting included) is for those in scope.
        if (onlyWatching) view = view with { AllowedActions = [] };
        return TypedResults.Ok(await Configuration.TicketInventory.ListedAsync(view, response.HttpContext.RequestServices, ct));
    }

    /// <param name="status">Statuses to include (repeat the parameter for several).</param>
    /// <param name="category">Work type.</param>
    /// <param name="priority">Priority.</param>
    /// <param name="unit">A unit id: tickets of that unit and the units below it.</param>
    /// <param name="group">Assigned support group id.</param>
    /// <param name="assignee">Assignee user id.</param>
    /// <param name="system">Business system id.</param>
    /// <param name="requester">Requester user id.</param>
    /// <param name="text">Text contained in the title (case-insensitive).</param>
    /// <param name="createdFrom">Created at or after this instant.</param>
    /// <param name="createdTo">Created before this instant.</param>
    /// <param name="slaState">Tickets whose service levels are at warning (75 % used) or breached.</param>
    /// <param name="updatedSince">A change sequence: tickets changed after it, in change order (0: from the beginning).</param>
    /// <param name="limit">Page size, 1–200 (default 25).</param>
    /// <param name="cursor">The previous page's <c>nextCursor</c>.</param>
    /// <param name="q">Full-text search (at most 200 characters): every word must occur in the ticket's number, title, description,
    /// resolution or public comments (internal work notes too for operations and maintenance roles). Chinese, Japanese and Korean
    /// text matches by two-character terms, so 报销 finds 差旅报销单. Quotes, operators and other punctuation are plain text.</param>
    public static async Task<IResult> List(ClaimsPrincipal user, TicketStore store, OrganisationStore organisation, TimeProvider clock,
        [FromQuery] TicketStatus[]? status, Category? category, Priority? priority, string? unit, string? group, string? assignee,
        string? system, string? requester, string? text, DateTimeOffset? createdFrom, DateTimeOffset? createdTo,
        SlaState? slaState, long? updatedSince, int? limit, string? cursor, [StringLength(TicketSearch.MaxLength)] string? q, CancellationToken ct)
    {
        var actor = user.Actor();
        var (search, searchProblem) = TicketSearch.Parse(q);
        if (searchProblem is not null) return searchProblem;
        if (limit is < 1 or > MaxPageSize) return ProblemResults.Invalid("limit", $"limit must be between 1 and {MaxPageSize}.");
        if (updatedSince is < 0) return ProblemResults.Invalid("updatedSince", "updatedSince is a change sequence, 0 or more.");
        long? beforeId = null;
        var changedAfter = updatedSince;
        if (cursor is not null)
        {
            var decoded = updatedSince is null ? Cursor.TryDecode(cursor, out var last) : Cursor.TryDecodeChange(cursor, out last);
            if (!decoded) return ProblemResults.Invalid("cursor", "cursor is not one this API returned for this kind of list.");
            if (updatedSince is null) beforeId = last;
            else changedAfter = last;
        }
        if (text is { Length: > 200 }) return ProblemResults.Invalid("text", "text must be at most 200 characters.");
        if (createdFrom > createdTo) return ProblemResults.Invalid("createdFrom", "createdFrom must not be after createdTo.");

        string? unitPath = null;
        if (unit is not null)
        {
            var found = await organisation.FindUnitAsync(unit, ct);
            if (found is null) return ProblemResults.Invalid("unit", $"Unit '{unit}' does not exist.");
            unitPath = found.Path;
        }

        var query = new TicketQuery(status, category, priority, unitPath, group, assignee, system, requester,
            string.IsNullOrWhiteSpace(text) ? null : text.Trim(), createdFrom, createdTo, limit ?? 25, beforeId, slaState, changedAfter,
            search);
        var (items, more) = await store.ListAsync(query, actor, ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new TicketPage(items.Select(t => TicketResponse.From(t, actor, now)).ToList(),
            !more ? null : changedAfter is null ? Cursor.Encode(items[^1].Id) : Cursor.EncodeChange(items[^1].ChangeSequence)));
    }

    /// <param name="limit">Page size, 1–200 (default 100).</param>
    /// <param name="cursor">The previous page's <c>nextCursor</c>.</param>
    public static async Task<IResult> History(long id, ClaimsPrincipal user, TicketStore store, WatcherStore watchers, int? limit, string? cursor, CancellationToken ct)
    {
        var actor = user.Actor();
        var (size, after, problem) = Paging.ParseOldestFirst(limit, cursor);
        if (problem is not null) return problem;
        if (await watchers.GetVisibleAsync(id, actor, ct) is null) return NotFound(id);
        var entries = await store.HistoryAsync(id, includeInternal: actor.SeesInternalNotes, ct, after, size + 1);
        var page = entries.Take(size).Select(e => new HistoryEntryResponse(e.Id, e.At, e.ActorId, e.Action, e.FromStatus, e.ToStatus,
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(e.Details)!)).ToList();
        return TypedResults.Ok(new HistoryPage(page, entries.Count > size ? Cursor.EncodeAfter(page[^1].Id) : null));
    }

    /// <param name="limit">Page size, 1–200 (default 100).</param>
    /// <param name="cursor">The previous page's <c>nextCursor</c>.</param>
    public static async Task<IResult> Comments(long id, ClaimsPrincipal user, TicketStore store, WatcherStore watchers, int? limit, string? cursor, CancellationToken ct)
    {
        var actor = user.Actor();
        var (size, after, problem) = Paging.ParseOldestFirst(limit, cursor);
        if (problem is not null) return problem;
        if (await watchers.GetVisibleAsync(id, actor, ct) is null) return NotFound(id);
        var comments = await store.CommentsAsync(id, includeInternal: actor.SeesInternalNotes, ct, after, size + 1);
        var page = comments.Take(size).Select(ToResponse).ToList();
        return TypedResults.Ok(new CommentPage(page, comments.Count > size ? Cursor.EncodeAfter(page[^1].Id) : null));
    }

    public static async Task<IResult> AddComment(long id, CommentRequest body, ClaimsPrincipal user, TicketStore store, TimeProvider clock,
        IConfiguration configuration, HttpResponse response, Itsm.Infrastructure.Telemetry.ItsmMetrics metrics, CancellationToken ct)
    {
        var actor = user.Actor();
        var ticket = await store.GetAsync(id, actor, ct);
        if (ticket is null) return NotFound(id);
        var now = clock.GetUtcNow();
        if (ticket.Comment(actor, now, body.Visibility, body.Body) is { } error) return ProblemResults.From(error);
        var made = ticket.Changes.ToList();
        var outcome = await store.AddCommentAsync(ticket, body.Visibility, body.Body, CommentLimit.PerMinute(configuration), now - CommentLimit.Window, ct);
        if (outcome.Comment is not { } comment) return CommentLimit.Exceeded(id, outcome, now, response);
        metrics.Changed(made);
        return TypedResults.Created($"/api/v1/tickets/{id}/comments", ToResponse(comment));
    }

    public static IResult NotFound(long id) => ProblemResults.NotFound($"Ticket {id} does not exist or is outside your scope.");

    private static CommentResponse ToResponse(StoredComment c) => new(c.Id, c.At, c.AuthorId, c.Visibility, c.Body);
}
