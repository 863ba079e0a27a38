using System.Data.Common;
using Itsm.Domain.Escalations;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Infrastructure.Hq;

/// <summary>An event from the HQ system, validated at the edge: acknowledged, returned (with guidance) or resolved (with a resolution).</summary>
public sealed record HqAnswer(HqEventType Type, string EscalationId, string? Reference, string? Guidance = null,
    ResolutionCode? Code = null, string? ResolutionText = null, string? TestResult = null);

public enum HqAnswerResult
{
    Applied,
    /// <summary>This event id was applied before: nothing changes.</summary>
    Duplicate,
    /// <summary>No escalation with this id was sent to HQ.</summary>
    UnknownEscalation,
    /// <summary>The escalation's ticket is outside the caller's scope.</summary>
    TicketNotFound,
    /// <summary>The ticket was escalated again since: the event answers an earlier escalation.</summary>
    NotCurrent,
    /// <summary>The event would move the escalation back (e.g. acknowledged after returned).</summary>
    WouldMoveBack,
    /// <summary>The ticket's workflow refused the change (<see cref="HqAnswerOutcome.Error"/>).</summary>
    Refused,
    /// <summary>The ticket changed while the event was applied: HQ sends it again.</summary>
    TicketChanged,
}

public sealed record HqAnswerOutcome(HqAnswerResult Result, Ticket? Ticket, EscalationState? State = null, TicketError? Error = null);

/// <summary>
/// Applies HQ's answers to the ticket's current escalation, through the one path of ticket changes: acknowledged is
/// recorded, returned is the hq-return action, resolved the resolve action; each event id once, states only forward.
/// </summary>
public sealed class EscalationEvents(HqStore hq, TicketStore tickets, TicketChanges changes, TimeProvider clock, MajorIncidentChildren majorIncidents)
{
    private static readonly object Moved = new();

    public async Task<HqAnswerOutcome> ApplyAsync(string inboundId, HqAnswer answer, Actor actor, CancellationToken ct)
    {
        if (await hq.ByEventAsync(answer.EscalationId, ct) is not { } escalation) return new(HqAnswerResult.UnknownEscalation, null);
        if (await tickets.GetAsync(escalation.TicketId, actor, ct) is not { } ticket) return new(HqAnswerResult.TicketNotFound, null);
        if (await hq.SeenAsync(inboundId, ct)) return new(HqAnswerResult.Duplicate, ticket);
        var check = await CheckAsync(escalation, answer.Type, ticket, ct);
        if (check is not null) return check;

        async Task<object?> Answered(DbConnection connection, DbTransaction transaction, CancellationToken token) =>
            await HqStore.AnsweredAsync(connection, transaction, inboundId, escalation, answer.Type, answer.Reference, clock.GetUtcNow(), token)
                ? null : Moved;
        try
        {
            var change = answer.Type switch
            {
                HqEventType.Acknowledged => await changes.RecordAsync(ticket.Id, actor, (locked, now) =>
                {
                    locked.RecordEvent(actor.UserId, "hq.acknowledged", now,
                        new Dictionary<string, object?> { ["reference"] = answer.Reference, ["escalation"] = answer.EscalationId });
                    return null;
                }, Answered, ct),
                HqEventType.Returned => await changes.ApplyAsync(ticket.Id, actor, TicketAction.HqReturn, _ => true,
                    (t, _, now) => Task.FromResult<object?>(t.ReturnFromHq(actor, now, answer.Guidance!)), Answered, ct),
                _ => await changes.ApplyAsync(ticket.Id, actor, TicketAction.Resolve, _ => true,
                    (t, sla, now) => Task.FromResult<object?>(t.Resolve(actor, now, answer.Code!.Value, answer.ResolutionText!, sla.ConfirmationDue(now),
                        new Implementation(null, answer.TestResult))),
                    Answered, ct),
            };
            // A major incident resolved by HQ resolves its children too, as one resolved here does (its resolve marked them owed).
            if (change is { Result: ChangeResult.Saved } && answer.Type == HqEventType.Resolved)
                await majorIncidents.ResolveOwedAsync(ticket.Id, CancellationToken.None);
            return change switch
            {
                { Result: ChangeResult.Saved } => new(HqAnswerResult.Applied, change.Ticket),
                { Result: ChangeResult.NotFound } => new(HqAnswerResult.TicketNotFound, null),
                { Refusal: TicketError error } => new(HqAnswerResult.Refused, change.Ticket, Error: error),
                { Refusal: not null } => await CheckAsync(escalation, answer.Type, change.Ticket!, ct) ?? new(HqAnswerResult.TicketChanged, change.Ticket),
                _ => new(HqAnswerResult.TicketChanged, change.Ticket),
            };
        }
        catch (DbException)
        {
            // The same event raced in twice: the other one applied it.
            if (await hq.SeenAsync(inboundId, ct)) return new(HqAnswerResult.Duplicate, await tickets.GetAsync(ticket.Id, actor, ct) ?? ticket);
            throw;
        }
    }

    /// <summary>Why the event cannot be applied to this escalation (null: it can).</summary>
    private async Task<HqAnswerOutcome?> CheckAsync(HqEscalation escalation, HqEventType type, Ticket ticket, CancellationToken ct)
    {
        var latest = await hq.LatestAsync(escalation.TicketId, ct);
        if (latest is not null && latest.Id != escalation.Id) return new(HqAnswerResult.NotCurrent, ticket, latest.State);
        var state = latest?.State ?? escalation.State;
        return state.CanMoveTo(type.Reached()) ? null : new(HqAnswerResult.WouldMoveBack, ticket, state);
    }
}
