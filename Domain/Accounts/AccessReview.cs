using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;

namespace Itsm.Domain.Accounts;

/// <summary>Open until every item is decided (Completed); past its due time undecided it is Overdue (once), and may still be completed.</summary>
public enum ReviewState { Open, Completed, Overdue }

public enum ReviewDecision { Keep, Revoke }

/// <summary>One account under review: its roles when the review opened, and what the owning department decided.</summary>
public sealed record ReviewItem(long AccountId, string Login, string Holder, IReadOnlyList<string> Roles, ReviewDecision? Decision,
    string? Comment, string? DecidedBy, DateTimeOffset? DecidedAt, long? TicketId);

/// <summary>
/// A periodic review of a system's accounts in one unit and its sub-units (DOMAIN: every account is reviewed each quarter),
/// decided by the business department that owns the system at that unit.
/// </summary>
public sealed record AccessReview(long Id, string SystemId, string UnitId, string UnitPath, string? Department, ReviewState State,
    DateTimeOffset DueBy, string? Period, DateTimeOffset OpenedAt, string OpenedBy, DateTimeOffset? CompletedAt, DateTimeOffset? OverdueAt)
{
    public const int MaxCommentLength = 2000;

    /// <summary>Only an approver of the owning department decides (Art. 9(3)): a review whose system has no owner there has no one.</summary>
    public bool MayDecide(Actor actor) => actor.Has(Role.BusinessApprover) && Department is { } owner && actor.Department == owner;

    public string Subject => $"access-review:{Id}";

    /// <summary>The quarter a scheduled review belongs to, e.g. <c>2026-Q4</c> (in UTC).</summary>
    public static string QuarterOf(DateTimeOffset at) => $"{at.UtcDateTime.Year}-Q{(at.UtcDateTime.Month - 1) / 3 + 1}";

    /// <summary>The start of the quarter after <paramref name="at"/>'s, in UTC.</summary>
    public static DateTimeOffset EndOfQuarter(DateTimeOffset at)
    {
        var firstMonth = (at.UtcDateTime.Month - 1) / 3 * 3 + 1;
        return new DateTimeOffset(at.UtcDateTime.Year, firstMonth, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(3);
    }

    /// <summary>
    /// The AccountPermission ticket a Revoke raises, requested by the service itself, with the whole plan written so that it
    /// goes straight to approval: disable the account, keeping its roles so that the rollback can restore them.
    /// </summary>
    public ChangePlan RevocationPlan(ReviewItem item, string comment)
    {
        var roles = item.Roles.Count == 0 ? "(none)" : string.Join(";", item.Roles);
        return new ChangePlan(
            What: $"Disable account {SystemId}:{item.Login} ({item.Holder}), revoked in access review {Id}: {comment}",
            Transport: "None: the account is disabled in the system's own administration.",
            Backup: $"The account's roles exported before the change: {roles}",
            Test: $"Logging in to {SystemId} as {item.Login} is refused.",
            Rollback: $"Re-enable account {item.Login} with the exported roles: {roles}");
    }
}
