using System.Security.Claims;
using Itsm.Api.Access;
using Itsm.Api.Configuration;
using Itsm.Api.OpenApi;
using Itsm.Api.Problems;
using Itsm.Domain.Escalations;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Accounts;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Tickets;
using Itsm.Infrastructure.Sla;

namespace Itsm.Api.Tickets;

/// <summary>
/// One endpoint per lifecycle action (<c>POST /tickets/{id}/{action}</c>). Each needs the ticket's ETag in If-Match;
/// what the status, the caller's roles or the ticket's readiness do not permit is refused with a problem.
/// </summary>
public static class TicketActionsApi
{
    public static RouteGroupBuilder MapTicketActions(this RouteGroupBuilder api)
    {
        var actions = api.MapGroup("/tickets/{id:long}").WithTags("Ticket actions");

        Action(actions.MapPost("/triage", Triage), "triage", "Line 1 classifies, prioritises and assigns to a support group (ServiceDesk)");
        Action(actions.MapPost("/start", Start), "start", "An engineer of the assigned group starts work");
        Action(actions.MapPost("/plan", Plan), "plan",
            "The owning department's approver starts or revises the plan of a change (`what` required; parts not given are kept)");
        Action(actions.MapPost("/request-approval", RequestApproval), "request-approval", "Ask the business department to approve the change: complete the five-part plan and give O&M's assessment (Engineer)");
        Action(actions.MapPost("/approve", Approve), "approve", "Approve the change (BusinessApprover; not the requester nor who asked)");
        Action(actions.MapPost("/reject", Reject), "reject", "Reject the change; the ticket closes as Rejected (BusinessApprover)");
        Action(actions.MapPost("/hold", Hold), "hold", "Put the work on hold with a reason; the resolution clock pauses (Engineer)");
        Action(actions.MapPost("/resume", Resume), "resume", "Resume work on hold (Engineer)");
        Action(actions.MapPost("/escalate", Escalate), "escalate", "Escalate to headquarters (提报总部) with the reason and what was tried, optionally naming the HQ group (Engineer, ItManager)");
        Action(actions.MapPost("/hq-return", HqReturn), "hq-return", "Headquarters returns the ticket to the unit with guidance (HqEngineer of the named HQ group, if any; HQ system)");
        Action(actions.MapPost("/resolve", Resolve), "resolve", "Resolve with a code and text; a change needs its approval first, its test result, and someone other than its approver");
        Action(actions.MapPost("/confirm", Confirm), "confirm",
            "The requester confirms and rates the resolution; a change is evaluated by its department's approver (effective closes it, not effective reopens it)");
        Action(actions.MapPost("/reopen", Reopen), "reopen", "The requester (or, for a change, its department's approver) reopens within the confirmation window");
        Action(actions.MapPost("/cancel", Cancel), "cancel", "Cancel with a reason (the requester, for their own; ServiceDesk)");
        Action(actions.MapPost("/reassign", Reassign), "reassign", "Move the ticket to another support group (functional escalation between lines)");
        return api;
    }

    private static void Action(RouteHandlerBuilder endpoint, string action, string summary) =>
        endpoint.WithName("Ticket" + string.Concat(action.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..])))
            .WithSummary(summary)
            .WithMetadata(new IfMatchRequired())
            .WithDescription($"Performs `{action}` on the ticket. Requires `If-Match` with the ticket's ETag (428 without, 412 when stale). " +
                             "409 when the ticket's status does not permit it (the problem lists the caller's allowed actions), " +
                             "403 when the caller's roles or relation to the ticket do not.")
            .Produces<TicketResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status428PreconditionRequired);

    public static Task<IResult> Triage(long id, TriageRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.Triage, async (ticket, actor, now) =>
        {
            var (group, assignee, problem) = await context.ResolveAssignment(body.Group, body.Assignee);
            if (problem is not null) return problem;
            var matrix = await context.Organisation.PriorityMatrixAsync(context.Cancellation);
            return (object?)ticket.Triage(actor, now, body.Category ?? ticket.Category, body.Impact ?? ticket.Impact, body.Urgency ?? ticket.Urgency,
                group!, assignee, matrix, body.Note);
        });

    public static Task<IResult> Start(long id, StartRequest? body, ActionContext context) =>
        context.Apply(id, TicketAction.Start, (ticket, actor, now) => ticket.Start(actor, now, body?.Note));

    public static Task<IResult> Plan(long id, ChangePlanRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.Plan, (ticket, actor, now) => ticket.SupplyPlan(actor, now, body.ToPlan()));

    public static Task<IResult> RequestApproval(long id, RequestApprovalRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.RequestApproval, (ticket, actor, now) =>
            ticket.RequestApproval(actor, now, body.Plan?.ToPlan(), new ChangeAssessment(body.Assessment!.Risk!.Value, body.Assessment.Impact)));

    public static Task<IResult> Approve(long id, ApproveRequest? body, ActionContext context) =>
        context.Apply(id, TicketAction.Approve, (ticket, actor, now) => ticket.Approve(actor, now, body?.Comment));

    public static Task<IResult> Reject(long id, RejectRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.Reject, (ticket, actor, now) => ticket.Reject(actor, now, body.Reason));

    public static Task<IResult> Hold(long id, HoldRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.Hold, (ticket, actor, now) => ticket.Hold(actor, now, body.Reason));

    public static Task<IResult> Resume(long id, ResumeRequest? body, ActionContext context) =>
        context.Apply(id, TicketAction.Resume, (ticket, actor, now) => ticket.Resume(actor, now, body?.Note));

    public static Task<IResult> Escalate(long id, EscalateRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.Escalate, async (ticket, actor, now) =>
        {
            if (body.HqGroup is null) return ticket.EscalateToHq(actor, now, body.Reason, body.WhatWasTried);
            var group = await context.Organisation.FindGroupAsync(body.HqGroup, context.Cancellation);
            if (group is null) return ProblemResults.Unprocessable("hqGroup", $"Group '{body.HqGroup}' does not exist.");
            if (!EscalationTarget.Takes(group)) return ProblemResults.Unprocessable("hqGroup", EscalationTarget.Refusal(group));
            return (object?)ticket.EscalateToHq(actor, now, body.Reason, body.WhatWasTried, group);
        });

    public static Task<IResult> HqReturn(long id, HqReturnRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.HqReturn, (ticket, actor, now) => ticket.ReturnFromHq(actor, now, body.Guidance));

    public static async Task<IResult> Resolve(long id, ResolveRequest body, ActionContext context, MajorIncidentChildren children, AccountStore accountStore, ClaimsPrincipal user)
    {
        // What the resolve says about the system's inventory and accounts is written in the resolve's own transaction.
        var inventory = new InventoryResolution(body.InventoryReport(), context.Services);
        var accounts = new AccountResolution(accountStore, body.AccountChanges?.Select(c => c.ToChange()).ToList());
        var resolved = await context.Apply(id, TicketAction.Resolve, (ticket, actor, now, sla) => Task.FromResult(
            (object?)inventory.Refusal(ticket, actor, now)
            ?? ticket.Resolve(actor, now, body.Code!.Value, body.Resolution, sla.ConfirmationDue(now), body.ToImplementation())
            ?? accounts.Decide(ticket, actor, now)),
            async (connection, transaction, ct) => await inventory.Alongside(connection, transaction, ct) ?? await accounts.ApplyAsync(connection, transaction, ct));
        return await MajorIncidents.ResolveChildrenAsync(resolved, children);
    }

    public static Task<IResult> Confirm(long id, ConfirmRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.Confirm, (ticket, actor, now) =>
            ticket.ConfirmResolution(actor, now, new Confirmation(body.Effective, body.Satisfaction, body.Comment)));

    public static Task<IResult> Reopen(long id, ReopenRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.Reopen, (ticket, actor, now) => ticket.Reopen(actor, now, body.Reason));

    public static Task<IResult> Cancel(long id, CancelRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.Cancel, (ticket, actor, now) => ticket.Cancel(actor, now, body.Reason));

    public static Task<IResult> Reassign(long id, ReassignRequest body, ActionContext context) =>
        context.Apply(id, TicketAction.Reassign, async (ticket, actor, now) =>
        {
            var (group, assignee, problem) = await context.ResolveAssignment(body.Group, body.Assignee);
            return problem ?? (object?)ticket.Reassign(actor, now, group!, assignee, body.Reason);
        });
}

/// <summary>What every action endpoint needs, bound from the request and the services.</summary>
public sealed class ActionContext(HttpContext http, TicketChanges changes, OrganisationStore organisation, TimeProvider clock)
{
    /// <summary>A decision's answer for a change that would change nothing: nothing is saved, and the ticket is sent back as it is.</summary>
    public static readonly object NothingChanged = new();

    public OrganisationStore Organisation => organisation;
    public IServiceProvider Services => http.RequestServices;
    public CancellationToken Cancellation => http.RequestAborted;

    public static ValueTask<ActionContext?> BindAsync(HttpContext http) => ValueTask.FromResult<ActionContext?>(new(
        http, http.RequestServices.GetRequiredService<TicketChanges>(), http.RequestServices.GetRequiredService<OrganisationStore>(),
        http.RequestServices.GetRequiredService<TimeProvider>()));

    public Task<IResult> Apply(long id, TicketAction action, Func<Ticket, Actor, DateTimeOffset, TicketError?> act) =>
        Apply(id, action, (t, a, n, _) => Task.FromResult<object?>(act(t, a, n)));

    public Task<IResult> Apply(long id, TicketAction action, Func<Ticket, Actor, DateTimeOffset, SlaContext, TicketError?> act,
        AlongsideChange? alongside = null) =>
        Apply(id, action, (t, a, n, s) => Task.FromResult<object?>(act(t, a, n, s)), alongside);

    public Task<IResult> Apply(long id, TicketAction action, Func<Ticket, Actor, DateTimeOffset, Task<object?>> act) =>
        Apply(id, action, (t, a, n, _) => act(t, a, n));

    /// <summary>If-Match, then the one path every ticket change takes (<see cref="TicketChanges"/>), then the ticket with its new ETag.</summary>
    public async Task<IResult> Apply(long id, TicketAction action, Func<Ticket, Actor, DateTimeOffset, SlaContext, Task<object?>> act,
        AlongsideChange? alongside = null)
    {
        var (expected, badPrecondition) = Concurrency.ExpectedVersion(http.Request);
        if (badPrecondition is not null) return badPrecondition;
        var actor = http.User.Actor();
        var change = await changes.ApplyAsync(id, actor, action, ticket => expected!.Matches(ticket.Version),
            (ticket, sla, now) => act(ticket, actor, now, sla), alongside, Cancellation);
        switch (change)
        {
            case { Result: ChangeResult.NotFound }: return TicketsApi.NotFound(id);
            case { Result: ChangeResult.Stale, Ticket: { } current }: return Concurrency.Stale(http.Response, current);
            case { Refusal: TicketError error }: return ProblemResults.From(error);
            case { Refusal: IResult problem }: return problem;
        }
        http.Response.SetETag(change.Ticket!);
        return TypedResults.Ok(await TicketInventory.ListedAsync(TicketResponse.From(change.Ticket!, actor, clock.GetUtcNow()), Services, Cancellation));
    }

    /// <summary>Finds the group and the optional assignee a request names; 422 naming the field when one does not exist.</summary>
    public async Task<(SupportGroup? Group, Assignee? Assignee, IResult? Problem)> ResolveAssignment(string groupId, string? assigneeId)
    {
        var group = await organisation.FindGroupAsync(groupId, Cancellation);
        if (group is null) return (null, null, ProblemResults.Unprocessable("group", $"Group '{groupId}' does not exist."));
        if (assigneeId is null) return (group, null, null);
        var assignee = await organisation.FindAssigneeAsync(assigneeId, Cancellation);
        return assignee is null
            ? (null, null, ProblemResults.Unprocessable("assignee", $"User '{assigneeId}' does not exist."))
            : (group, assignee, null);
    }
}
