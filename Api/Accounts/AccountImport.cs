using System.Globalization;
using Itsm.Api.Csv;
using Itsm.Api.Validation;
using Itsm.Domain.Accounts;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;

namespace Itsm.Api.Accounts;

/// <summary>
/// Reads an account import (CSV <c>login,holder,department,roles,status,lastUsedAt</c>, roles <c>;</c>-separated, optional
/// <c>unit</c> and <c>user</c> columns) into accounts, or says for each bad line why: the import is all or nothing.
/// </summary>
public static class AccountImport
{
    public const int MaxErrors = 100;
    private static readonly string[] Required = ["login", "holder", "department", "roles", "status", "lastUsedAt"];
    private static readonly string[] Optional = ["unit", "user"];

    public static async Task<(IReadOnlyList<Account> Accounts, IReadOnlyList<ImportLineError> Errors)> ReadAsync(TextReader reader, BusinessSystem system,
        Unit defaultUnit, Actor actor, OrganisationStore organisation, DateTimeOffset now, CancellationToken ct)
    {
        var accounts = new List<Account>();
        var errors = new List<ImportLineError>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        Dictionary<string, int>? columns = null;
        var units = new Dictionary<string, Unit?>(StringComparer.Ordinal);
        try
        {
            await foreach (var record in CsvDocument.ReadAsync(reader).WithCancellation(ct))
            {
                if (columns is null)
                {
                    columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                    for (var i = 0; i < record.Fields.Count; i++) columns.TryAdd(record.Fields[i].Trim(), i);
                    var missing = Required.Where(c => !columns.ContainsKey(c)).ToList();
                    var unknown = columns.Keys.Where(c => !Required.Concat(Optional).Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
                    if (missing.Count > 0) errors.Add(new(record.Line, $"the header lacks column(s) {string.Join(", ", missing)}."));
                    if (unknown.Count > 0) errors.Add(new(record.Line, $"the header names unknown column(s) {string.Join(", ", unknown)}."));
                    if (errors.Count > 0) return ([], errors);
                    continue;
                }
                if (errors.Count >= MaxErrors) break;
                if (record.Fields.Count != columns.Count)
                {
                    errors.Add(new(record.Line, $"{record.Fields.Count} fields where the header has {columns.Count}."));
                    continue;
                }
                string? Field(string name) => columns.TryGetValue(name, out var i) && record.Fields[i].Trim() is { Length: > 0 } v ? v : null;
                var (account, reason) = await ReadAccountAsync(Field, system, defaultUnit, actor, organisation, units, now, ct);
                if (reason is null && seen.TryGetValue(account!.Login, out var first)) reason = $"login '{account.Login}' is also on line {first}.";
                if (reason is not null) { errors.Add(new(record.Line, reason)); continue; }
                seen[account!.Login] = record.Line;
                accounts.Add(account);
            }
        }
        catch (CsvFormatException e)
        {
            errors.Add(new(e.Line, e.Reason));
        }
        if (columns is null) errors.Add(new(1, "the file is empty: a header line is expected."));
        else if (errors.Count == 0 && accounts.Count == 0) errors.Add(new(1, "the file has no lines after the header."));
        return (accounts, errors);
    }

    private static async Task<(Account?, string?)> ReadAccountAsync(Func<string, string?> field, BusinessSystem system, Unit defaultUnit, Actor actor,
        OrganisationStore organisation, Dictionary<string, Unit?> units, DateTimeOffset now, CancellationToken ct)
    {
        var login = field("login");
        if (Text(login, "login", Account.MaxLoginLength) is { } badLogin) return (null, badLogin);
        if (!AccountNames.IsLogin(login)) return (null, $"login '{login}': {AccountNames.LoginRule}.");
        var holder = field("holder");
        if (Text(holder, "holder", Account.MaxHolderLength) is { } badHolder) return (null, badHolder);
        var department = field("department");
        if (department is not null && Text(department, "department", Account.MaxDepartmentLength) is { } badDepartment) return (null, badDepartment);
        var roles = (field("roles") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (roles.Length > Account.MaxRoles) return (null, $"an account has at most {Account.MaxRoles} roles.");
        foreach (var role in roles)
            if (!AccountNames.IsRole(role)) return (null, $"role '{role}': {AccountNames.RoleRule}.");
        if (roles.GroupBy(r => r, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return (null, $"role '{twice.Key}' is listed twice.");
        var status = AccountStatus.Active;
        // By name only: Enum.TryParse would also take "1".
        if (field("status") is { } statusText && !(Enum.GetNames<AccountStatus>().Contains(statusText, StringComparer.Ordinal) && Enum.TryParse(statusText, out status)))
            return (null, $"status '{statusText}' is neither Active nor Disabled.");
        DateTimeOffset? lastUsed = null;
        if (field("lastUsedAt") is { } usedText)
        {
            if (!DateTimeOffset.TryParseExact(usedText, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var used) || used.Year < 1900)
                return (null, $"lastUsedAt '{usedText}' is not an ISO 8601 date and time.");
            if (used > now) return (null, $"lastUsedAt '{usedText}' is in the future.");
            lastUsed = used.ToUniversalTime();
        }
        var unit = defaultUnit;
        if (field("unit") is { } unitId)
        {
            if (!units.TryGetValue(unitId, out var found)) units[unitId] = found = await organisation.FindUnitAsync(unitId, ct);
            if (found is null || !actor.CanSee(found.Path)) return (null, $"unit '{unitId}' does not exist or is outside your scope.");
            if (!UnitPaths.IsWithin(found.Path, system.UnitPath)) return (null, $"unit '{unitId}' does not use system '{system.Id}'.");
            unit = found;
        }
        var user = field("user");
        if (user is not null)
        {
            if (Text(user, "user", 64) is { } badUser) return (null, badUser);
            // As for the unit: one outside the caller's scope reads as one that does not exist.
            if (await organisation.FindUserAsync(user, ct) is not { } found || !actor.CanSee(found.UnitPath))
                return (null, $"user '{user}' does not exist or is outside your scope.");
        }
        return (new Account(0, system.Id, login!, holder!, user, unit.Id, unit.Path, department, roles, status, lastUsed, now, now), null);
    }

    /// <summary>ISO 8601 only (a date, or a date and time with or without an offset): "01/02/2026" is January or February depending on who wrote it.</summary>
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
    ];

    private static string? Text(string? value, string name, int max) =>
        value is null ? $"{name} is empty."
        : value.Length > max ? $"{name} is longer than {max} characters."
        : !PlainTextAttribute.IsPlain(value, multiline: false) ? $"{name} holds control characters."
        : null;
}
