using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Api.Validation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.Tickets;

/// <summary>Watch a ticket: <c>user</c> (default: the caller), a person of the ticket's unit or a unit below it.</summary>
public sealed record WatcherRequest([property: StringLength(64, MinimumLength = 1), PlainText] string? User = null);

/// <summary>Someone who follows the ticket: reads its public view and gets its notifications.</summary>
public sealed record WatcherResponse(string User, string AddedBy, DateTimeOffset AddedAt);

public sealed record WatcherList(IReadOnlyList<WatcherResponse> Items);

/// <summary>Who follows a ticket besides its requester (<c>/tickets/{id}/watchers</c>).</summary>
public static class WatchersApi
{
    public static RouteGroupBuilder MapWatchers(this RouteGroupBuilder api)
    {
        var watchers = api.MapGroup("/tickets/{id:long}/watchers").WithTags("Watchers");

        watchers.MapGet("/", List).WithName("ListWatchers")
            .WithSummary("Who watches the ticket")
            .Produces<WatcherList>().ProducesProblem(404);

        watchers.MapPost("/", Add).WithName("AddWatcher")
            .WithSummary("Watch the ticket, or (support staff) make a colleague watch it")
            .WithDescription("A watcher reads the ticket's public view as its requester does (internal notes only if their role is an O&M " +
                             "role) and gets its notifications. The service desk, engineers, IT managers and integrations add any person of " +
                             "the ticket's unit or a unit below it; everyone else adds only themselves, to a ticket they can see (403 otherwise). " +
                             "A user who does not exist, is not a person or is outside that subtree: 422. 201 when added, 200 when already watching. " +
                             "Recorded in the ticket's history; the ticket's version does not change.")
            .Produces<WatcherResponse>(StatusCodes.Status201Created).Produces<WatcherResponse>()
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(422);

        watchers.MapDelete("/{user}", Remove).WithName("RemoveWatcher")
            .WithSummary("Stop watching the ticket, or (support staff) remove a watcher")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    public static async Task<IResult> List(long id, ClaimsPrincipal user, WatcherStore watchers, CancellationToken ct)
    {
        if (await watchers.GetVisibleAsync(id, user.Actor(), ct) is null) return TicketsApi.NotFound(id);
        return TypedResults.Ok(new WatcherList((await watchers.ListAsync(id, ct)).Select(ToResponse).ToList()));
    }

    public static async Task<IResult> Add(long id, WatcherRequest? body, ClaimsPrincipal user, WatcherStore watchers, OrganisationStore organisation,
        CancellationToken ct)
    {
        var actor = user.Actor();
        var watcherId = body?.User ?? actor.UserId;
        var ticket = await watchers.GetVisibleAsync(id, actor, ct);
        if (ticket is null) return TicketsApi.NotFound(id);
        if (Watching.MayChange(actor, watcherId) is { } forbidden) return ProblemResults.From(forbidden);
        if (Watching.MayWatch(ticket, await organisation.FindUserAsync(watcherId, ct), watcherId) is { } invalid)
            return ProblemResults.Unprocessable("user", invalid.Detail);
        if ((await watchers.ListAsync(id, ct)).FirstOrDefault(w => w.UserId == watcherId) is { } already) return TypedResults.Ok(ToResponse(already));

        var change = await watchers.AddAsync(id, actor, watcherId, _ => null, ct);
        if (change.Result != ChangeResult.Saved) return TicketsApi.NotFound(id);
        var added = (await watchers.ListAsync(id, ct)).First(w => w.UserId == watcherId);
        return TypedResults.Created($"/api/v1/tickets/{id}/watchers", ToResponse(added));
    }

    public static async Task<IResult> Remove(long id, string user, ClaimsPrincipal caller, WatcherStore watchers, CancellationToken ct)
    {
        var actor = caller.Actor();
        if (await watchers.GetVisibleAsync(id, actor, ct) is null) return TicketsApi.NotFound(id);
        if (Watching.MayChange(actor, user) is { } forbidden) return ProblemResults.From(forbidden);
        var change = await watchers.RemoveAsync(id, actor, user, _ => null,
            () => ProblemResults.NotFound($"User '{user}' does not watch ticket {id}."), ct);
        return change switch
        {
            { Result: ChangeResult.Saved } => TypedResults.NoContent(),
            { Refusal: IResult problem } => problem,
            _ => TicketsApi.NotFound(id),
        };
    }

    private static WatcherResponse ToResponse(StoredWatcher w) => new(w.UserId, w.AddedBy, w.AddedAt);
}
