using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.Tickets;

/// <summary>Link this ticket to another: it is <c>type</c> that <c>ticket</c>.</summary>
/// <param name="Type">Related; DuplicateOf (cancels this ticket, line 1 only, If-Match required); CausedBy; ChildOf (that ticket is the major incident).</param>
/// <param name="Ticket">The other ticket's id.</param>
public sealed record LinkRequest([property: Required] LinkType? Type, [property: Required, Range(1, long.MaxValue)] long? Ticket);

/// <summary>A link as one of its tickets sees it: <c>from</c> is <c>type</c> <c>to</c>.</summary>
public sealed record LinkResponse(long Id, LinkType Type, long From, long To, string CreatedBy, DateTimeOffset CreatedAt)
{
    public static LinkResponse Of(TicketLink l) => new(l.Id, l.Type, l.From, l.To, l.CreatedBy, l.CreatedAt);
}

public sealed record LinkList(IReadOnlyList<LinkResponse> Items);

/// <summary>Tickets tied to one another, and major incidents (<c>/tickets/{id}/links</c>).</summary>
public static class TicketLinksApi
{
    public static RouteGroupBuilder MapTicketLinks(this RouteGroupBuilder api)
    {
        var links = api.MapGroup("/tickets/{id:long}/links").WithTags("Links");

        links.MapGet("/", List).WithName("ListLinks")
            .WithSummary("The ticket's links in both directions")
            .Produces<LinkList>().ProducesProblem(404);

        links.MapPost("/", Add).WithName("AddLink")
            .WithSummary("Link the ticket to another (Related, DuplicateOf, CausedBy, ChildOf)")
            .WithDescription("Both tickets must be visible to the caller (404 otherwise); a ticket is not linked to itself, and directed links " +
                             "(DuplicateOf, CausedBy, ChildOf) never form a cycle (422). `DuplicateOf` is line 1's: it needs the ticket's ETag " +
                             "in `If-Match`, cancels the ticket (New, Triaged or OnHold; 409 otherwise) with the outcome `Duplicate` and makes " +
                             "its requester a watcher of the original. `ChildOf` makes the other ticket a major incident: resolving it resolves " +
                             "its children that are New, Triaged or InProgress and not changes (a ticket has one parent). Other links are made " +
                             "by the service desk, engineers, IT managers and integrations and are recorded in the ticket's history.")
            .Produces<LinkResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .ProducesProblem(412).ProducesProblem(422).ProducesProblem(428);

        links.MapDelete("/{linkId:long}", Remove).WithName("RemoveLink")
            .WithSummary("Remove one of the ticket's links (a duplicate stays cancelled)")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    public static async Task<IResult> List(long id, ClaimsPrincipal user, WatcherStore watchers, LinkStore links, CancellationToken ct)
    {
        if (await watchers.GetVisibleAsync(id, user.Actor(), ct) is null) return TicketsApi.NotFound(id);
        return TypedResults.Ok(new LinkList((await links.ListAsync(id, ct)).Select(LinkResponse.Of).ToList()));
    }

    public static async Task<IResult> Add(long id, LinkRequest body, HttpContext http, TicketStore tickets, LinkStore links,
        Itsm.Infrastructure.Organisation.OrganisationStore organisation, CancellationToken ct)
    {
        var actor = http.User.Actor();
        var type = body.Type!.Value;
        IfMatch? expected = null;
        if (type == LinkType.DuplicateOf)
        {
            (expected, var badPrecondition) = Concurrency.ExpectedVersion(http.Request);
            if (badPrecondition is not null) return badPrecondition;
        }
        else if (TicketLinking.MayLink(actor) is { } forbidden) return ProblemResults.From(forbidden);
        if (await tickets.GetAsync(id, actor, ct) is not { } ticket) return TicketsApi.NotFound(id);
        var other = await tickets.GetAsync(body.Ticket!.Value, actor, ct);
        if (other is null) return TicketsApi.NotFound(body.Ticket.Value);
        // The duplicate's requester follows the original only if they may watch it (a person of its unit or one below).
        var mayWatch = type == LinkType.DuplicateOf
            && Watching.MayWatch(other, await organisation.FindUserAsync(ticket.RequesterId, ct), ticket.RequesterId) is null;

        var (change, link) = type == LinkType.DuplicateOf
            ? await links.AddDuplicateAsync(id, other, actor, t => expected!.Matches(t.Version), mayWatch, ct)
            : await links.AddAsync(id, other.Id, type, actor, ct);
        switch (change)
        {
            case { Result: ChangeResult.NotFound }: return TicketsApi.NotFound(id);
            case { Result: ChangeResult.Stale, Ticket: { } current }: return Concurrency.Stale(http.Response, current);
            case { Refusal: TicketError error }: return ProblemResults.From(error);
            case { Refusal: IResult problem }: return problem;
        }
        if (type == LinkType.DuplicateOf) http.Response.SetETag(change.Ticket!);
        return TypedResults.Created($"/api/v1/tickets/{id}/links", LinkResponse.Of(link!));
    }

    public static async Task<IResult> Remove(long id, long linkId, ClaimsPrincipal user, LinkStore links, CancellationToken ct)
    {
        var actor = user.Actor();
        if (TicketLinking.MayLink(actor) is { } forbidden) return ProblemResults.From(forbidden);
        var change = await links.RemoveAsync(id, linkId, actor, () => ProblemResults.NotFound($"Ticket {id} has no link {linkId}."), ct);
        return change switch
        {
            { Result: ChangeResult.Saved } => TypedResults.NoContent(),
            { Refusal: IResult problem } => problem,
            _ => TicketsApi.NotFound(id),
        };
    }
}
