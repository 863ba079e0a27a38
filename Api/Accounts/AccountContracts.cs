using System.ComponentModel.DataAnnotations;
using Itsm.Api.Validation;
using Itsm.Domain.Accounts;
using Itsm.Infrastructure.Accounts;

namespace Itsm.Api.Accounts;

/// <summary>An account of a system's register.</summary>
/// <param name="Dormant">Active and idle (last used, or created when never used) for <c>Accounts:DormantAfterDays</c> or longer.</param>
public sealed record AccountResponse(string System, string Login, string Holder, string? User, string Unit, string? Department,
    IReadOnlyList<string> Roles, AccountStatus Status, DateTimeOffset? LastUsedAt, bool Dormant, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static AccountResponse From(Account a, DateTimeOffset now, int dormantAfterDays) => new(a.SystemId, a.Login, a.Holder, a.UserId, a.UnitId,
        a.Department, a.Roles, a.Status, a.LastUsedAt, a.IsDormant(now, dormantAfterDays), a.CreatedAt, a.UpdatedAt);
}

/// <summary>An account with its history, oldest first.</summary>
public sealed record AccountDetail(AccountResponse Account, IReadOnlyList<AccountHistoryResponse> History);

/// <param name="Change">Import, Create, GrantRole, RevokeRole, Disable or Enable.</param>
/// <param name="Ticket">The AccountPermission ticket that made the change (none for the import).</param>
public sealed record AccountHistoryResponse(DateTimeOffset At, string Actor, string Change, string? Role, long? Ticket, System.Text.Json.Nodes.JsonNode? Details);

public sealed record AccountPage(IReadOnlyList<AccountResponse> Items, string? NextCursor);

/// <summary>What an import stored.</summary>
public sealed record ImportResult(int Imported);

/// <summary>One line an import refused, by its line in the file (1 is the header).</summary>
public sealed record ImportLineError(int Line, string Reason);

/// <summary>One reported use of a login.</summary>
public sealed record LastUsedEntry(
    [property: Required, StringLength(Account.MaxLoginLength, MinimumLength = 1), RegularExpression(AccountNames.LoginPattern)] string Login,
    [property: Required] DateTimeOffset? LastUsedAt);

/// <param name="Reported">How many uses the request reported.</param>
/// <param name="Unknown">Reported logins the register does not hold (ignored).</param>
public sealed record LastUsedResult(int Reported, IReadOnlyList<string> Unknown);

/// <summary>One change an AccountPermission resolve applies to the register.</summary>
/// <param name="Role">The role to grant or revoke (Create: an optional first role).</param>
/// <param name="Holder">Create: who holds the account.</param>
public sealed record AccountChangeRequest(
    [property: Required, StringLength(Account.MaxLoginLength, MinimumLength = 1), RegularExpression(AccountNames.LoginPattern)] string Login,
    [property: Required] AccountOp? Op,
    [property: StringLength(Account.MaxRoleLength, MinimumLength = 1), RegularExpression(AccountNames.RolePattern)] string? Role = null,
    [property: StringLength(Account.MaxHolderLength, MinimumLength = 1), PlainText, NotBlank] string? Holder = null,
    [property: StringLength(Account.MaxDepartmentLength, MinimumLength = 1), PlainText] string? Department = null)
{
    /// <summary>A blank department is no department, as in the import.</summary>
    public AccountChange ToChange() => new(Login.Trim(), Op!.Value, Role?.Trim(), Holder?.Trim(),
        string.IsNullOrWhiteSpace(Department) ? null : Department.Trim());
}

/// <summary>Opens an access review of one system's accounts in one unit and its sub-units.</summary>
/// <param name="Unit">Default the caller's unit.</param>
public sealed record OpenReviewRequest(
    [property: Required, StringLength(64, MinimumLength = 1), PlainText] string System,
    [property: Required] DateTimeOffset? DueBy,
    [property: StringLength(64, MinimumLength = 1), PlainText] string? Unit = null);

public sealed record DecisionRequest(
    [property: Required] ReviewDecision? Decision,
    [property: StringLength(AccessReview.MaxCommentLength, MinimumLength = 1), PlainText(Multiline = true), NotBlank] string? Comment = null);

/// <param name="Ticket">For a Revoke: the AccountPermission ticket raised to disable the account.</param>
/// <param name="ProposedAccountChanges">For a Revoke: what the ticket's resolve is to apply.</param>
public sealed record ReviewItemResponse(string Login, string Holder, IReadOnlyList<string> Roles, ReviewDecision? Decision, string? Comment,
    string? DecidedBy, DateTimeOffset? DecidedAt, long? Ticket, IReadOnlyList<AccountChangeProposal>? ProposedAccountChanges)
{
    public static ReviewItemResponse From(ReviewItem i) => new(i.Login, i.Holder, i.Roles, i.Decision, i.Comment, i.DecidedBy, i.DecidedAt, i.TicketId,
        i.Decision == ReviewDecision.Revoke ? [new AccountChangeProposal(i.Login, AccountOp.Disable)] : null);
}

public sealed record AccountChangeProposal(string Login, AccountOp Op);

/// <param name="Department">The owning department (of the system at the review's unit) whose approvers decide.</param>
public sealed record ReviewResponse(long Id, string System, string Unit, string? Department, ReviewState State, DateTimeOffset DueBy, string? Period,
    DateTimeOffset OpenedAt, string OpenedBy, DateTimeOffset? CompletedAt, DateTimeOffset? OverdueAt, int Decided, int Total,
    IReadOnlyList<ReviewItemResponse>? Items)
{
    public static ReviewResponse From(AccessReview r, IReadOnlyList<ReviewItem>? items, bool withItems) => new(r.Id, r.SystemId, r.UnitId, r.Department,
        r.State, r.DueBy, r.Period, r.OpenedAt, r.OpenedBy, r.CompletedAt, r.OverdueAt, items?.Count(i => i.Decision is not null) ?? 0, items?.Count ?? 0,
        withItems ? items?.Select(ReviewItemResponse.From).ToList() : null);
}

public sealed record ReviewPage(IReadOnlyList<ReviewResponse> Items, string? NextCursor);

public static class AccountChangeLimit
{
    /// <summary>How many account changes one resolve may carry.</summary>
    public const int PerResolve = 500;
}
