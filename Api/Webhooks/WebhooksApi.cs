using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Api.Tickets;
using Itsm.Api.Validation;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Webhooks;
using Microsoft.Extensions.Options;

namespace Itsm.Api.Webhooks;

/// <param name="Url">Where events are POSTed (http or https).</param>
/// <param name="Events">Event types to receive (see the document's <c>webhooks</c>); empty or <c>*</c>: all.</param>
/// <param name="Unit">Whose tickets (that unit and below, within your scope); defaults to your unit.</param>
public sealed record CreateWebhookRequest(
    [property: Required, StringLength(2000, MinimumLength = 1), PlainText] string Url,
    [property: MaxLength(20)] IReadOnlyList<string>? Events = null,
    [property: StringLength(64, MinimumLength = 1)] string? Unit = null);

public sealed record UpdateWebhookRequest(
    [property: Required, StringLength(2000, MinimumLength = 1), PlainText] string Url,
    [property: MaxLength(20)] IReadOnlyList<string>? Events = null,
    bool Enabled = true);

public sealed record WebhookView(string Id, string Unit, string Url, IReadOnlyList<string> Events, bool Enabled, string? DisabledReason,
    DateTimeOffset CreatedAt, DateTimeOffset? PreviousSecretValidUntil)
{
    public static WebhookView From(WebhookSubscription s, DateTimeOffset now) => new(s.Id, s.UnitId, s.Url, s.Types, s.Enabled, s.DisabledReason,
        s.CreatedAt, s.PreviousSecretUntil > now ? s.PreviousSecretUntil : null);
}

/// <summary>The subscription and its signing secret: the secret is shown here only.</summary>
public sealed record WebhookWithSecret(WebhookView Webhook, string Secret);

public sealed record DeliveryPage(IReadOnlyList<WebhookDelivery> Items, string? NextCursor) : Browser.ICursorPage;

/// <summary>Webhook subscriptions of a unit's helpdesk tools, maintained by the unit's IT manager.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks")
            .Allow(Policies.ItManager).ProducesProblem(403);
        webhooks.MapPost("/", Create).WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to ticket events of your unit; the response shows the signing secret once")
            .Produces<WebhookWithSecret>(201).ProducesValidationProblem().ProducesProblem(409).ProducesProblem(422);
        webhooks.MapGet("/", List).WithName("ListWebhooks").WithSummary("Subscriptions within your scope").Produces<IReadOnlyList<WebhookView>>();
        webhooks.MapGet("/{id}", Get).WithName("GetWebhook").WithSummary("One subscription").Produces<WebhookView>().ProducesProblem(404);
        webhooks.MapPut("/{id}", Update).WithName("UpdateWebhook").WithSummary("Change the URL, the events, or enable it again")
            .Produces<WebhookView>().ProducesValidationProblem().ProducesProblem(404);
        webhooks.MapDelete("/{id}", Delete).WithName("DeleteWebhook").WithSummary("Unsubscribe").Produces(204).ProducesProblem(404);
        webhooks.MapPost("/{id}/rotate-secret", Rotate).WithName("RotateWebhookSecret")
            .WithSummary("A new signing secret (shown once); the old one keeps signing beside it for the grace period")
            .Produces<WebhookWithSecret>().ProducesProblem(404);
        webhooks.MapGet("/{id}/deliveries", Deliveries).WithName("ListWebhookDeliveries")
            .WithSummary("Deliveries, newest first: state, attempts, last response code and error").Produces<DeliveryPage>().ProducesProblem(404);
        webhooks.MapPost("/{id}/deliveries/{deliveryId:long}/replay", Replay).WithName("ReplayWebhookDelivery")
            .WithSummary("Send one delivery again").Produces(202).ProducesProblem(404);
        return api;
    }

    public static async Task<IResult> Create(CreateWebhookRequest body, ClaimsPrincipal user, OrganisationStore organisation, WebhookStore store,
        IConfiguration configuration, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        if (Invalid(body.Url, body.Events, configuration) is { } invalid) return invalid;
        var unit = await organisation.FindUnitAsync(body.Unit ?? actor.UnitId, ct);
        if (unit is null || !actor.CanSee(unit.Path))
            return ProblemResults.Unprocessable("unit", $"Unit '{body.Unit}' does not exist or is outside your scope.");
        var now = clock.GetUtcNow();
        var max = configuration.GetValue("Webhooks:MaxPerUnit", 10);
        if (await store.CreateAsync(unit.Id, unit.Path, body.Url, body.Events ?? [], actor.UserId, now, max, ct) is not var (subscription, secret))
            return ProblemResults.Problem(409, "webhook-limit", "Too many subscriptions",
                $"Unit '{unit.Id}' already has {max} webhook subscriptions, the most allowed (Webhooks:MaxPerUnit); delete one first.");
        return TypedResults.Created($"/api/v1/webhooks/{subscription.Id}", new WebhookWithSecret(WebhookView.From(subscription, now), secret));
    }

    public static async Task<IReadOnlyList<WebhookView>> List(ClaimsPrincipal user, WebhookStore store, TimeProvider clock, CancellationToken ct) =>
        (await store.InScopeAsync(user.Actor().UnitPath, ct)).Select(s => WebhookView.From(s, clock.GetUtcNow())).ToList();

    public static async Task<IResult> Get(string id, ClaimsPrincipal user, WebhookStore store, TimeProvider clock, CancellationToken ct) =>
        await InScope(id, user, store, ct) is { } s ? TypedResults.Ok(WebhookView.From(s, clock.GetUtcNow())) : NotFound(id);

    public static async Task<IResult> Update(string id, UpdateWebhookRequest body, ClaimsPrincipal user, WebhookStore store,
        IConfiguration configuration, TimeProvider clock, CancellationToken ct)
    {
        if (await InScope(id, user, store, ct) is null) return NotFound(id);
        if (Invalid(body.Url, body.Events, configuration) is { } invalid) return invalid;
        // A delete may win the race between the scope check and here: then it is gone (404), never a 500.
        return await store.UpdateAsync(id, body.Url, body.Events ?? [], body.Enabled, ct) && await store.FindAsync(id, ct) is { } updated
            ? TypedResults.Ok(WebhookView.From(updated, clock.GetUtcNow()))
            : NotFound(id);
    }

    public static async Task<IResult> Delete(string id, ClaimsPrincipal user, WebhookStore store, CancellationToken ct)
    {
        if (await InScope(id, user, store, ct) is null) return NotFound(id);
        await store.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> Rotate(string id, ClaimsPrincipal user, WebhookStore store, IOptions<OutboxOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        if (await InScope(id, user, store, ct) is null) return NotFound(id);
        var now = clock.GetUtcNow();
        return await store.RotateSecretAsync(id, now + options.Value.SecretGracePeriod, ct) is { } secret && await store.FindAsync(id, ct) is { } rotated
            ? TypedResults.Ok(new WebhookWithSecret(WebhookView.From(rotated, now), secret))
            : NotFound(id);
    }

    public static async Task<IResult> Deliveries(string id, ClaimsPrincipal user, WebhookStore store, int? limit, string? cursor, CancellationToken ct)
    {
        if (await InScope(id, user, store, ct) is null) return NotFound(id);
        var (size, before, problem) = Paging.Parse(limit, cursor);
        if (problem is not null) return problem;
        var items = await store.DeliveriesAsync(id, before, size + 1, ct);
        var page = items.Take(size).ToList();
        return TypedResults.Ok(new DeliveryPage(page, items.Count > size ? Cursor.Encode(page[^1].Id) : null));
    }

    public static async Task<IResult> Replay(string id, long deliveryId, ClaimsPrincipal user, WebhookStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await InScope(id, user, store, ct) is null) return NotFound(id);
        return await store.ReplayAsync(id, deliveryId, clock.GetUtcNow(), ct)
            ? TypedResults.Accepted($"/api/v1/webhooks/{id}/deliveries")
            : ProblemResults.NotFound($"Delivery {deliveryId} of webhook '{id}' does not exist.");
    }

    private static async Task<WebhookSubscription?> InScope(string id, ClaimsPrincipal user, WebhookStore store, CancellationToken ct) =>
        id.Length <= 40 && await store.FindAsync(id, ct) is { } s && user.Actor().CanSee(s.UnitPath) ? s : null;

    private static IResult NotFound(string id) => ProblemResults.NotFound($"Webhook '{id}' does not exist or is outside your scope.");

    private static IResult? Invalid(string url, IReadOnlyList<string>? events, IConfiguration configuration)
    {
        if (WebhookTargets.Problem(url, configuration.GetValue("Webhooks:AllowInsecureTargets", false)) is { } problem)
            return ProblemResults.Invalid("url", problem);
        if (events?.FirstOrDefault(e => e != "*" && !TicketEvents.Types.Contains(e)) is { } unknown)
            return ProblemResults.Invalid("events", $"'{unknown}' is not an event type: {string.Join(", ", TicketEvents.Types)}.");
        return null;
    }
}
