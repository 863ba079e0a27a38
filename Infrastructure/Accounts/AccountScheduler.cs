using System.Text.Json;
using Itsm.Domain.Accounts;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Hosting;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Accounts;

/// <summary>What one pass did.</summary>
public sealed record AccountPass(bool Leased, int DormantNotified, int ReviewsOverdue, int ReviewsOpened);

/// <summary>
/// One pass of the account scheduler: notifies the owning department's approvers once per account that became dormant,
/// marks reviews past their due time Overdue (once, notified), raises Revoke tickets a crash left owing and, with
/// <c>Accounts:ReviewEvery</c> = <c>Quarter</c>, opens each quarter's review per system and owner unit. Only the instance
/// holding the lease runs it; each step is conditional in the database, so a repeated pass does nothing twice.
/// </summary>
public sealed class AccountScheduler(AccountStore accounts, AccessReviewStore reviews, AccessReviews reviewing, OrganisationStore organisation,
    SlaStore notifications, AccountOptions options, TimeProvider clock, JobLeases leases, ILogger<AccountScheduler> logger)
{
    public const string Lease = "accounts";
    public const string DormantNotification = "account.dormant";
    public const string OverdueNotification = "access-review.overdue";
    public const int BatchSize = 200;
    private readonly JobLease _lease = leases.For(Lease);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<AccountPass> RunPassAsync(CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            if (!await _lease.HoldAsync(ct)) return new AccountPass(false, 0, 0, 0);
            var now = clock.GetUtcNow();
            var dormant = await NotifyDormantAsync(now, ct);
            var overdue = 0;
            foreach (var review in await reviews.OverdueDueAsync(now, BatchSize, ct))
                if (await reviews.MarkOverdueAsync(review, Notify(review.Subject, OverdueNotification, review.Department, review.UnitPath, now,
                        new { review = review.Id, system = review.SystemId, unit = review.UnitId, dueBy = review.DueBy }), notifications, ct)) overdue++;
            foreach (var (reviewId, accountId) in await reviews.RevokesOwingTicketAsync(BatchSize, ct))
                if (await reviews.GetAsync(reviewId, Actor.System, ct) is { } review
                    && (await reviews.ItemsAsync(reviewId, ct)).FirstOrDefault(i => i.AccountId == accountId) is { TicketId: null } item)
                    await reviewing.RaiseRevocationAsync(review, item, ct);
            var opened = await OpenQuarterAsync(now, ct);
            if (dormant + overdue + opened > 0)
                logger.LogInformation("Account pass: {Dormant} dormant accounts notified, {Overdue} reviews overdue, {Opened} reviews opened", dormant, overdue, opened);
            return new AccountPass(true, dormant, overdue, opened);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public Task ReleaseLeaseAsync(CancellationToken ct) => _lease.ReleaseAsync(ct);

    private async Task<int> NotifyDormantAsync(DateTimeOffset now, CancellationToken ct)
    {
        var notified = 0;
        var cutoff = Account.DormantCutoff(now, options.DormantAfterDays);
        var owners = new Dictionary<string, IReadOnlyList<OwnerEntry>>();
        for (var due = await accounts.DormantDueAsync(cutoff, BatchSize, ct); due.Count > 0 && await _lease.HoldAsync(ct);
             due = await accounts.DormantDueAsync(cutoff, BatchSize, ct))
        {
            var progress = 0;
            foreach (var (id, systemId, login, unitPath) in due)
            {
                if (!owners.TryGetValue(systemId, out var entries)) owners[systemId] = entries = await organisation.OwnersOfAsync(systemId, ct);
                var department = SystemOwnership.OwnerFor(entries, unitPath);
                var notification = Notify(Account.Subject(systemId, login), DormantNotification, department, unitPath, now,
                    new { system = systemId, login, dormantAfterDays = options.DormantAfterDays });
                if (await accounts.NotifyDormantAsync(id, notification, notifications, ct)) { notified++; progress++; }
            }
            if (progress == 0) break;
        }
        return notified;
    }

    /// <summary>With quarterly reviews on, each owner entry (system, unit) gets one review per quarter, due after <c>Accounts:ReviewDays</c>.</summary>
    private async Task<int> OpenQuarterAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (!string.Equals(options.ReviewEvery, "Quarter", StringComparison.OrdinalIgnoreCase)) return 0;
        var opened = 0;
        var period = AccessReview.QuarterOf(now);
        foreach (var (systemId, unitId, _) in await reviews.OwnerUnitsAsync(ct))
        {
            if (await reviews.PeriodOpenedAsync(systemId, unitId, period, ct)) continue;
            if (await organisation.FindSystemAsync(systemId, ct) is not { } system || await organisation.FindUnitAsync(unitId, ct) is not { } unit) continue;
            if (await reviewing.OpenAsync(system, unit, now.AddDays(options.ReviewDays), Actor.System.UserId, period, ct) is not null) opened++;
        }
        return opened;
    }

    /// <summary>To the owning department's approvers; when no unit on the path has an owner, to the approvers of the unit.</summary>
    private static Notification Notify(string subject, string type, string? department, string unitPath, DateTimeOffset now, object details) => new()
    {
        Subject = subject, Type = type, CreatedAt = now, Details = JsonSerializer.Serialize(details, SlaStore.Json),
        RecipientKind = department is null ? RecipientKind.Approvers : RecipientKind.DepartmentApprovers, Recipient = department ?? unitPath,
    };
}
