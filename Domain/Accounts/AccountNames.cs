namespace Itsm.Domain.Accounts;

/// <summary>
/// The characters a login or a role name may hold. SQLite's NOCASE folds ASCII letters only, SQL Server's case-insensitive
/// collations fold every letter (and width), and the service compares with OrdinalIgnoreCase: only in ASCII letters,
/// digits and a few marks do the three agree on which names are the same, so only those are accepted. A role name also
/// never holds <c>;</c>, the separator the register stores roles with.
/// </summary>
public static class AccountNames
{
    /// <summary>ASCII letters, digits and <c>. _ - @</c>.</summary>
    public const string LoginPattern = "^[A-Za-z0-9._@-]+$";

    /// <summary>ASCII letters, digits and <c>. _ -</c>.</summary>
    public const string RolePattern = "^[A-Za-z0-9._-]+$";

    public const string LoginRule = "a login is 1 to 64 ASCII letters, digits or . _ - @";
    public const string RoleRule = "a role is 1 to 64 ASCII letters, digits or . _ -";

    public static bool IsLogin(string? text) =>
        text is { Length: > 0 and <= Account.MaxLoginLength } && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    public static bool IsRole(string? text) =>
        text is { Length: > 0 and <= Account.MaxRoleLength } && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
