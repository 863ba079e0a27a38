using Itsm.Samples.KiotaClient.Generated;
using Itsm.Samples.KiotaClient.Generated.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Itsm.Samples.KiotaClient;

/// <summary>What the journey saw, for whoever runs it (the console or a test).</summary>
public sealed record JourneyOutcome(
    string Number, TicketStatus? FinalStatus, ClosureOutcome? Outcome, List<string> AllowedActionsOn409, string CurrentETagOn412,
    IReadOnlyList<string> Steps);

/// <summary>
/// One ticket from request to close through the generated client, five callers of one unit: the requester raises it,
/// the service desk triages it, an engineer starts and resolves it, the requester confirms it. On the way it meets the
/// two typed problems a client must handle: 409 (the action is not allowed now: <c>allowedActions</c> says what is) and
/// 412 (someone changed the ticket: <c>currentETag</c> is the version to retry with).
/// </summary>
public static class TicketJourney
{
    /// <summary>A client for one caller. <paramref name="http"/> carries the base address (e.g. http://localhost:8080).</summary>
    public static ItsmApiClient ClientFor(HttpClient http, string apiKey) =>
        new(new HttpClientRequestAdapter(new ApiKeyHeader(apiKey), httpClient: http) { BaseUrl = http.BaseAddress!.ToString().TrimEnd('/') });

    /// <param name="clientFor">Makes a client for an API key.</param>
    /// <param name="keys">The unit's callers: e.g. demo-js-requester, demo-js-servicedesk and demo-js-engineer.</param>
    public static async Task<JourneyOutcome> RunAsync(Func<string, ItsmApiClient> clientFor, (string Requester, string ServiceDesk, string Engineer) keys,
        string system = "ERP", string group = "JS-L2SYS", CancellationToken ct = default)
    {
        var requester = clientFor(keys.Requester);
        var serviceDesk = clientFor(keys.ServiceDesk);
        var engineer = clientFor(keys.Engineer);
        var steps = new List<string>();

        var ticket = await requester.Api.V1.Tickets.PostAsync(new CreateTicketRequest
        {
            System = system, Category = Category.ApplicationProblem, Impact = Impact.Individual, Urgency = Urgency.Medium,
            Title = "Posting an invoice fails", Description = "ERP shows error F5 702 when posting; the user is Wang Li, ext. 1234.",
        }, cancellationToken: ct);
        var id = ticket!.Id!.Value;
        steps.Add($"{ticket.Number}: {ticket.Status}");

        // A requester cannot confirm a ticket nobody has resolved: 409, with what the requester may do instead.
        List<string> allowed;
        try
        {
            await requester.Api.V1.Tickets[id].Confirm.PostAsync(new ConfirmRequest { Satisfaction = 5 }, IfMatch(ticket), ct);
            throw new InvalidOperationException("Confirming a new ticket was accepted.");
        }
        catch (ActionNotAllowedProblem problem)
        {
            allowed = problem.AllowedActions ?? [];
            steps.Add($"confirm refused ({problem.Status}): allowed {string.Join(", ", allowed)}");
        }

        var triaged = await serviceDesk.Api.V1.Tickets[id].Triage.PostAsync(new TriageRequest { Group = group, Note = "Posting problem" }, IfMatch(ticket), ct);
        steps.Add($"triaged to {triaged!.Group}: {triaged.Status}");

        // The engineer still holds the ETag from before the triage: 412, with the ticket's current ETag to retry with.
        string currentETag;
        try
        {
            await engineer.Api.V1.Tickets[id].Start.PostAsync(new StartRequest(), IfMatch(ticket), ct);
            throw new InvalidOperationException("A stale ETag was accepted.");
        }
        catch (StaleETagProblem problem)
        {
            currentETag = problem.CurrentETag!;
            steps.Add($"start with a stale ETag refused ({problem.Status}): current {currentETag}");
        }
        var started = await engineer.Api.V1.Tickets[id].Start.PostAsync(new StartRequest { Note = "Looking at it" }, IfMatch(currentETag), ct);
        steps.Add($"started by {started!.Assignee}: {started.Status}");

        var resolved = await engineer.Api.V1.Tickets[id].Resolve.PostAsync(
            new ResolveRequest { Code = ResolutionCode.Fixed, Resolution = "Released the posting lock held by a dead session" }, IfMatch(started), ct);
        steps.Add($"resolved: {resolved!.Status}");

        var closed = await requester.Api.V1.Tickets[id].Confirm.PostAsync(new ConfirmRequest { Satisfaction = 5, Comment = "Works again" }, IfMatch(resolved), ct);
        steps.Add($"confirmed: {closed!.Status} ({closed.Outcome})");

        return new JourneyOutcome(closed.Number!, closed.Status, closed.Outcome, allowed, currentETag, steps);
    }

    private static Action<RequestConfiguration<DefaultQueryParameters>> IfMatch(TicketResponse ticket) => IfMatch($"\"{ticket.Version}\"");

    private static Action<RequestConfiguration<DefaultQueryParameters>> IfMatch(string etag) => c => c.Headers.Add("If-Match", etag);
}
