using System.Text.Json;
using Itsm.Domain.Accounts;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Inspections;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Infrastructure.Accounts;

/// <summary>Why a decision was not recorded.</summary>
public enum DecisionRefusal { NotFound, NotOwningDepartment, AlreadyDecided }

/// <summary>
/// Opens access reviews (by an IT manager, or each quarter by the scheduler) and records the owning department's decisions;
/// a Revoke raises one AccountPermission ticket for the account, requested by the service itself, linked to the item.
/// </summary>
public sealed class AccessReviews(AccessReviewStore store, OrganisationStore organisation, TicketChanges changes, SlaEngine engine,
    InspectionStore serviceUser, TimeProvider clock)
{
    /// <summary>The owning department of <paramref name="systemId"/> at <paramref name="unitPath"/>, as tickets find theirs.</summary>
    public async Task<string?> OwnerAsync(string systemId, string unitPath, CancellationToken ct) =>
        SystemOwnership.OwnerFor(await organisation.OwnersOfAsync(systemId, ct), unitPath);

    /// <returns>The review's id; null when its quarter has one already or there is no Active account to review (it would never complete).</returns>
    public async Task<long?> OpenAsync(BusinessSystem system, Unit unit, DateTimeOffset dueBy, string openedBy, string? period, CancellationToken ct)
    {
        if (await store.ActiveAccountsAsync(system.Id, unit.Path, ct) == 0) return null;
        var department = await OwnerAsync(system.Id, unit.Path, ct);
        return await store.OpenAsync(new AccessReview(0, system.Id, unit.Id, unit.Path, department, ReviewState.Open, dueBy.ToUniversalTime(), period, clock.GetUtcNow(),
            openedBy, null, null), ct);
    }

    /// <returns>The refusal, or null when the decision was recorded (and, for a Revoke, its ticket raised).</returns>
    public async Task<DecisionRefusal?> DecideAsync(AccessReview review, string login, ReviewDecision decision, string? comment, Actor actor,
        CancellationToken ct)
    {
        // The exact login first: a register written before logins were ASCII only may hold two that differ in a non-ASCII letter's case.
        var items = await store.ItemsAsync(review.Id, ct);
        var item = items.FirstOrDefault(i => string.Equals(i.Login, login, StringComparison.Ordinal))
                   ?? items.FirstOrDefault(i => string.Equals(i.Login, login, StringComparison.OrdinalIgnoreCase));
        if (item is null) return DecisionRefusal.NotFound;
        if (!review.MayDecide(actor)) return DecisionRefusal.NotOwningDepartment;
        var (decided, _) = await store.DecideAsync(review, item.AccountId, decision, comment, actor.UserId, clock.GetUtcNow(), ct);
        if (!decided) return DecisionRefusal.AlreadyDecided;
        if (decision == ReviewDecision.Revoke) await RaiseRevocationAsync(review, item with { Comment = comment }, ct);
        return null;
    }

    /// <summary>Raises the Revoke's ticket; also what the scheduler does for a Revoke whose ticket a crash left unraised.</summary>
    public async Task RaiseRevocationAsync(AccessReview review, ReviewItem item, CancellationToken ct)
    {
        var system = await organisation.FindSystemAsync(review.SystemId, ct);
        var unit = await organisation.FindUnitAsync(review.UnitId, ct);
        if (system is null || unit is null) return;
        await serviceUser.EnsureServiceUserAsync(ct);
        var proposed = JsonSerializer.Serialize(new[] { new { login = item.Login, op = nameof(AccountOp.Disable) } });
        var ticket = Ticket.RaiseServiceChange($"Access review {review.Id}: revoke account {review.SystemId}:{item.Login}",
            $"The owning department revoked account {item.Login} ({item.Holder}) of {review.SystemId} in access review {review.Id}: " +
            $"{item.Comment ?? "(no comment)"}\nProposed accountChanges for the resolve: {proposed}",
            unit, system, review.RevocationPlan(item, item.Comment ?? "(no comment)"), await organisation.PriorityMatrixAsync(ct), clock.GetUtcNow(),
            ("accessReview", review.Id), ("login", item.Login), ("accountChanges", proposed));
        var (raised, _) = await changes.RaiseAsync(ticket, await engine.ContextAsync(null, ct), ct);
        await store.LinkTicketAsync(review.Id, item.AccountId, raised.Id, ct);
    }
}
