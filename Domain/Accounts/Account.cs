using Itsm.Domain.Organisation;

namespace Itsm.Domain.Accounts;

public enum AccountStatus { Active, Disabled }

/// <summary>What an AccountPermission change does to one account (and what an account's history records).</summary>
public enum AccountOp { Create, GrantRole, RevokeRole, Disable, Enable }

/// <summary>One account of a system: who holds it, in which unit (scope and owning department), its roles and status.</summary>
public sealed record Account(
    long Id, string SystemId, string Login, string Holder, string? UserId, string UnitId, string UnitPath, string? Department,
    IReadOnlyList<string> Roles, AccountStatus Status, DateTimeOffset? LastUsedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public const int MaxLoginLength = 64;
    public const int MaxHolderLength = 100;
    public const int MaxDepartmentLength = 100;
    public const int MaxRoleLength = 64;
    public const int MaxRoles = 50;
    public const int DefaultDormantAfterDays = 180;

    /// <summary>Since when the account has been idle: its last use, or its creation when never used.</summary>
    public DateTimeOffset IdleSince => LastUsedAt ?? CreatedAt;

    public bool IsDormant(DateTimeOffset now, int dormantAfterDays) => Status == AccountStatus.Active && IdleSince <= DormantCutoff(now, dormantAfterDays);

    /// <summary>
    /// An Active account idle since this instant or earlier is dormant: idle for the whole period (180 days idle is
    /// dormant, 179 is not).
    /// </summary>
    public static DateTimeOffset DormantCutoff(DateTimeOffset now, int dormantAfterDays) => now.AddDays(-dormantAfterDays);

    /// <summary>The subject a notification about this account names, e.g. <c>account:ERP:zhangsan</c>.</summary>
    public static string Subject(string systemId, string login) => $"account:{systemId}:{login}";
}

/// <summary>One change an AccountPermission ticket makes to the register when it is resolved.</summary>
public sealed record AccountChange(string Login, AccountOp Op, string? Role = null, string? Holder = null, string? Department = null);

/// <summary>
/// Applies a resolve's account changes one after the other to the accounts they name, refusing the first that makes no
/// sense (granting a role held, disabling a disabled account, an unknown login for anything but Create): then none apply.
/// </summary>
public static class AccountChanges
{
    /// <returns>The accounts as changed (by login, case-insensitive) and, per change, its index; or the index and reason of the refusal.</returns>
    public static (IReadOnlyDictionary<string, Account>? Changed, int Index, string? Refusal) Apply(
        IReadOnlyList<AccountChange> changes, IReadOnlyDictionary<string, Account> current, string systemId, string ticketUnitId,
        string ticketUnitPath, DateTimeOffset now)
    {
        var accounts = new Dictionary<string, Account>(current, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            accounts.TryGetValue(change.Login, out var account);
            string? refusal = null;
            if (!AccountNames.IsLogin(change.Login)) refusal = $"login '{change.Login}': {AccountNames.LoginRule}.";
            else if (change.Role is not null && !AccountNames.IsRole(change.Role)) refusal = $"role '{change.Role}': {AccountNames.RoleRule}.";
            else if (change.Op == AccountOp.Create)
            {
                if (account is not null) refusal = $"account '{change.Login}' already exists.";
                else if (change.Holder is null) refusal = "Create needs a holder.";
                else
                    accounts[change.Login] = new Account(0, systemId, change.Login, change.Holder, null, ticketUnitId, ticketUnitPath, change.Department,
                        change.Role is null ? [] : [change.Role], AccountStatus.Active, null, now, now);
            }
            // An account outside the ticket's unit reads as no account at all: the resolver may not see it.
            else if (account is null || !UnitPaths.IsWithin(account.UnitPath, ticketUnitPath))
                refusal = $"no account '{change.Login}' in the ticket's unit.";
            else
            {
                (account, refusal) = change.Op switch
                {
                    AccountOp.GrantRole when change.Role is null => (account, "GrantRole needs a role."),
                    AccountOp.GrantRole when Holds(account, change.Role) => (account, $"account '{change.Login}' already has role '{change.Role}'."),
                    AccountOp.GrantRole when account.Roles.Count >= Account.MaxRoles => (account, $"an account has at most {Account.MaxRoles} roles."),
                    AccountOp.GrantRole => (account with { Roles = [.. account.Roles, change.Role], UpdatedAt = now }, null),
                    AccountOp.RevokeRole when change.Role is null => (account, "RevokeRole needs a role."),
                    AccountOp.RevokeRole when !Holds(account, change.Role) => (account, $"account '{change.Login}' does not have role '{change.Role}'."),
                    AccountOp.RevokeRole => (account with
                    {
                        Roles = account.Roles.Where(r => !string.Equals(r, change.Role, StringComparison.OrdinalIgnoreCase)).ToList(), UpdatedAt = now,
                    }, null),
                    AccountOp.Disable when account.Status == AccountStatus.Disabled => (account, $"account '{change.Login}' is already disabled."),
                    AccountOp.Disable => (account with { Status = AccountStatus.Disabled, UpdatedAt = now }, null),
                    AccountOp.Enable when account.Status == AccountStatus.Active => (account, $"account '{change.Login}' is already active."),
                    AccountOp.Enable => (account with { Status = AccountStatus.Active, UpdatedAt = now }, null),
                    _ => (account, $"op '{change.Op}' is unknown."),
                };
                if (refusal is null) accounts[change.Login] = account;
            }
            if (refusal is not null) return (null, i, refusal);
        }
        return (accounts, -1, null);
    }

    private static bool Holds(Account account, string role) => account.Roles.Contains(role, StringComparer.OrdinalIgnoreCase);
}
