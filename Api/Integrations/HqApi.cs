using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Api.Tickets;
using Itsm.Api.Validation;
using Itsm.Domain.Escalations;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Hq;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Tickets;
using Itsm.Infrastructure.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Itsm.Api.Integrations;

/// <param name="TestResult">Required to resolve a change: what was tested after it, and the outcome. Without it HQ returns the
/// ticket to the unit instead (409 otherwise); refused for any other ticket (400).</param>
public sealed record HqResolution(
    [property: Required] ResolutionCode? Code,
    [property: Required, StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string Text,
    [property: StringLength(4000, MinimumLength = 1), PlainText(Multiline = true)] string? TestResult = null);

/// <summary>An event from the HQ system about an escalation it received (identified by the escalation's id).</summary>
/// <param name="Type"><c>acknowledged</c>, <c>returned</c> (with <c>guidance</c>) or <c>resolved</c> (with <c>resolution</c>).</param>
/// <param name="EscalationId">The <c>Idempotency-Key</c> of the escalation HQ received.</param>
/// <param name="Reference">HQ's own reference for it.</param>
public sealed record HqEvent(
    [property: Required, RegularExpression("^(acknowledged|returned|resolved)$")] string Type,
    [property: Required, StringLength(40, MinimumLength = 1), PlainText] string EscalationId,
    [property: StringLength(200), PlainText] string? Reference = null,
    [property: StringLength(4000), PlainText(Multiline = true)] string? Guidance = null,
    HqResolution? Resolution = null)
{
    /// <summary>The validated event in the domain's words: its type as <see cref="HqEventType"/>.</summary>
    public HqAnswer ToAnswer() => new(Enum.Parse<HqEventType>(Type, ignoreCase: true), EscalationId, Reference, Guidance,
        Resolution?.Code, Resolution?.Text, Resolution?.TestResult);
}

public sealed record HqEventOutcome(string Status, long TicketId, TicketStatus TicketStatus);

/// <param name="Subscriptions">Each subscription's backlog within your scope.</param>
/// <param name="Leases">Who runs each background job (sla, outbox, retention) and until when its lease lasts; no holder: released.</param>
public sealed record IntegrationMetrics(OutboxMetrics Outbox, long HqQueued, long HqFailed, IReadOnlyList<SubscriptionBacklog> Subscriptions,
    IReadOnlyList<Itsm.Infrastructure.Hosting.LeaseView> Leases);

/// <summary>Escalation to the HQ system: its delivery state per ticket, a retry, the events HQ sends back, and the outbox's health.</summary>
public static class HqApi
{
    public static RouteGroupBuilder MapIntegrations(this RouteGroupBuilder api)
    {
        var tickets = api.MapGroup("/tickets/{id:long}/escalation").WithTags("Escalation to HQ");
        tickets.MapGet("/", Escalation).WithName("GetEscalation")
            .WithSummary("The delivery of the ticket's latest escalation to the HQ system: state, attempts, last error, HQ's reference")
            .Produces<HqEscalation>().ProducesProblem(404);
        tickets.MapPost("/retry", Retry).WithName("RetryEscalation").Allow(Policies.EscalationOperator)
            .WithSummary("Send a failed escalation to HQ again (Engineer, ItManager)").Produces<HqEscalation>(202).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        var integrations = api.MapGroup("/integrations").WithTags("Escalation to HQ");
        integrations.MapPost("/hq/events", HqEvents).WithName("ReceiveHqEvent").Allow(Policies.HqSystem).Accepts<HqEvent>("application/json")
            .WithSummary("Events from the HQ system (its Integration key, signed the Standard Webhooks way): acknowledged, returned, resolved")
            .WithDescription("Headers `webhook-id`, `webhook-timestamp` (Unix seconds, ±5 min) and `webhook-signature` " +
                             "(`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` with `Hq:CallbackSecret`). Each webhook-id is applied once; " +
                             "`returned` is the `hq-return` action, `resolved` the `resolve` action, both recorded in the history. " +
                             "An event applies only to the ticket's current escalation and moves it only forward " +
                             "(Queued → Sent → Acknowledged → Returned | Resolved): otherwise 409 `escalation-not-current` or `escalation-state`. " +
                             "A change is resolved only with `resolution.testResult`: without it 409 `test-result-required`, and HQ returns the ticket instead.")
            .Produces<HqEventOutcome>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        integrations.MapGet("/outbox", Metrics).WithName("GetOutboxMetrics").Allow(Policies.ItManager)
            .WithSummary("Delivery health within your scope: events waiting, pending deliveries and the oldest one's age, failures, " +
                         "each subscription's backlog, and the background jobs' leases (ItManager)")
            .Produces<IntegrationMetrics>().ProducesProblem(403);
        return api;
    }

    public static async Task<IResult> Escalation(long id, ClaimsPrincipal user, TicketStore tickets, HqStore hq, CancellationToken ct)
    {
        if (await tickets.GetAsync(id, user.Actor(), ct) is null) return TicketsApi.NotFound(id);
        return await hq.LatestAsync(id, ct) is { } escalation
            ? TypedResults.Ok(escalation)
            : ProblemResults.NotFound($"Ticket {id} has no escalation delivered to the HQ system.");
    }

    public static async Task<IResult> Retry(long id, ClaimsPrincipal user, TicketStore tickets, HqStore hq, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await tickets.GetAsync(id, actor, ct) is null) return TicketsApi.NotFound(id);
        if (await hq.LatestAsync(id, ct) is not { } escalation) return ProblemResults.NotFound($"Ticket {id} has no escalation delivered to the HQ system.");
        if (!await hq.RequeueAsync(escalation.Id, clock.GetUtcNow(), ct))
            return ProblemResults.Problem(409, "escalation-not-failed", "Nothing to retry", $"The escalation is {escalation.State}; only a failed one is sent again.");
        return TypedResults.Accepted($"/api/v1/tickets/{id}/escalation", await hq.LatestAsync(id, ct));
    }

    public static async Task<IResult> HqEvents(HttpRequest request, ClaimsPrincipal user, IOptions<HqOptions> options, IOptions<JsonOptions> json,
        EscalationEvents events, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        if (options.Value.CallbackSecret is not { Length: > 0 } secret)
            return ProblemResults.NotFound("HQ callbacks are not configured (Hq:CallbackSecret).");

        // The signature covers the exact bytes: verify them first, then bind and validate like any other body.
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(ct);
        var (id, timestamp, signature) = (request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(),
            request.Headers["webhook-signature"].ToString());
        if (id.Length is 0 or > 200 || !WebhookSigner.Verify(secret, id, timestamp, signature, body, clock.GetUtcNow()))
            return ProblemResults.Problem(401, "bad-signature", "Signature not valid",
                "webhook-id, webhook-timestamp (within 5 minutes) and a webhook-signature made with the shared callback secret are required.");

        HqEvent? e;
        try { e = JsonSerializer.Deserialize<HqEvent>(body, json.Value.SerializerOptions); }
        catch (JsonException ex) { return ProblemResults.BadRequest("malformed-json", "The request body is not valid", ex.Message.Split(" Path:")[0]); }
        if (e is null) return ProblemResults.Invalid("type", "The body is an HQ event object.");
        if (Invalid(e) is { } invalid) return invalid;

        var outcome = await events.ApplyAsync(id, e.ToAnswer(), actor, ct);
        return outcome.Result switch
        {
            HqAnswerResult.Applied => TypedResults.Ok(new HqEventOutcome("applied", outcome.Ticket!.Id, outcome.Ticket.Status)),
            HqAnswerResult.Duplicate => TypedResults.Ok(new HqEventOutcome("duplicate", outcome.Ticket!.Id, outcome.Ticket.Status)),
            HqAnswerResult.UnknownEscalation => ProblemResults.NotFound($"No escalation '{e.EscalationId}' was sent to HQ."),
            HqAnswerResult.TicketNotFound => ProblemResults.NotFound($"The ticket of escalation '{e.EscalationId}' does not exist or is outside your scope."),
            HqAnswerResult.NotCurrent => ProblemResults.Problem(409, "escalation-not-current", "Not the ticket's current escalation",
                $"Ticket {outcome.Ticket!.Id} was escalated again after '{e.EscalationId}'; events apply only to its current escalation."),
            HqAnswerResult.WouldMoveBack => ProblemResults.Problem(409, "escalation-state", "The escalation has moved on",
                $"The escalation is {outcome.State}; {e.Type} would move it back."),
            HqAnswerResult.Refused => Refused(outcome.Error!),
            _ => ProblemResults.Problem(409, "ticket-changed", "The ticket changed meanwhile", "Send the event again; it will be applied once."),
        };
    }

    /// <summary>
    /// The workflow's refusal, in the event's terms: HQ cannot resolve a change without its test result (it returns the ticket
    /// instead), and a field the ticket refuses is named where the event carries it.
    /// </summary>
    private static IResult Refused(TicketError error) => error switch
    {
        { Problem: TicketError.TestResultRequired } => ProblemResults.Problem(409, TicketError.TestResultRequired, "The change needs its test result",
            error.Detail + " Send resolution.testResult, or return the ticket to the unit (type returned) with guidance."),
        { Kind: TicketErrorKind.InvalidField, Fields: { Count: > 0 } fields } =>
            ProblemResults.Invalid(fields.Select(f => "resolution." + f).ToList(), error.Detail),
        _ => ProblemResults.From(error),
    };

    /// <summary>The event's own attributes (lengths, patterns), then what each type needs: the same problem as any other body.</summary>
    private static ValidationProblem? Invalid(HqEvent e)
    {
        var errors = new Dictionary<string, string[]>();
        Collect(e, "");
        if (e.Resolution is not null) Collect(e.Resolution, "resolution.");
        if (errors.Count > 0) return Problem();
        var type = e.ToAnswer().Type;
        if (type == HqEventType.Returned && string.IsNullOrWhiteSpace(e.Guidance)) errors["guidance"] = ["returned needs guidance."];
        if (type == HqEventType.Resolved && (e.Resolution is not { Code: not null } || string.IsNullOrWhiteSpace(e.Resolution.Text)))
            errors["resolution"] = ["resolved needs a resolution code and text."];
        return errors.Count > 0 ? Problem() : null;

        void Collect(object instance, string prefix)
        {
            var results = new List<ValidationResult>();
            if (Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true)) return;
            foreach (var result in results)
            foreach (var member in result.MemberNames.DefaultIfEmpty(""))
            {
                var field = prefix + (member.Length == 0 ? "" : char.ToLowerInvariant(member[0]) + member[1..]);
                errors[field] = [.. errors.GetValueOrDefault(field) ?? [], result.ErrorMessage ?? "is not valid."];
            }
        }

        ValidationProblem Problem() => TypedResults.ValidationProblem(errors, type: ProblemResults.TypeOf("validation"), title: "The request is not valid",
            detail: string.Join(" ", errors.SelectMany(p => p.Value.Select(m => $"{p.Key}: {m}"))));
    }

    /// <summary>Within the caller's scope: a provincial IT manager sees the tickets and subscriptions of their unit subtree, HQ's see all.</summary>
    public static async Task<IResult> Metrics(ClaimsPrincipal user, DeliveryHealth health, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        var report = await health.ForScopeAsync(actor.UnitPath, clock.GetUtcNow(), ct);
        return TypedResults.Ok(new IntegrationMetrics(report.Outbox, report.HqQueued, report.HqFailed, report.Subscriptions, report.Leases));
    }
}
