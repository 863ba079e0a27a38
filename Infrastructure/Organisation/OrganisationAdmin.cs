using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Organisation;

public sealed record NewUser(string Id, string Name, string UnitId, bool IsIntegration, IReadOnlyList<Role> Roles, IReadOnlyList<string> Groups,
    string? Department = null);

/// <summary>An API key as listed: its public id (the first 16 hex digits of its hash), never the key.</summary>
/// <param name="IssuedBy">The IT manager who issued it, or the installation step (<c>bootstrap-admin</c>, <c>demo-data</c>);
/// null for keys issued before this was recorded.</param>
public sealed record ApiKeyInfo(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? IssuedBy);

public sealed record IssuedApiKey(string Id, string Key, string UserId, string Name, DateTimeOffset CreatedAt, string IssuedBy);

/// <summary>What a user holds: their roles and the support groups they belong to.</summary>
public sealed record UserGrants(IReadOnlySet<Role> Roles, IReadOnlyList<SupportGroup> Groups);

public enum AdminOutcome { Done, AlreadyExists, UnknownReference }

/// <summary>Maintains the organisation (units, groups, systems, users) and API keys. Callers check scope first.</summary>
public sealed class OrganisationAdmin(Database database)
{
    public const int KeyIdLength = 16;

    public Task<AdminOutcome> AddUnitAsync(string id, string name, Unit parent, CancellationToken ct) =>
        Insert(OrganisationSql.UnitExists, id, OrganisationSql.InsertUnit, new { id, name, parent = parent.Id, path = parent.Path + id + "/" }, ct);

    /// <summary>The first unit of an empty organisation: the root (headquarters). Refused once any unit exists: one root only.</summary>
    public Task<AdminOutcome> AddRootUnitAsync(string id, string name, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(OrganisationSql.CountUnits, null, transaction, cancellationToken: token)) > 0)
                return AdminOutcome.AlreadyExists;
            await connection.ExecuteAsync(new CommandDefinition(OrganisationSql.InsertUnit,
                new { id, name, parent = (string?)null, path = "/" + id + "/" }, transaction, cancellationToken: token));
            return AdminOutcome.Done;
        }, ct);

    public Task<AdminOutcome> AddGroupAsync(string id, string name, string unitId, SupportLine line, CancellationToken ct) =>
        Insert(OrganisationSql.GroupExists, id, OrganisationSql.InsertGroup, new { id, name, unit = unitId, line = line.ToString() }, ct);

    /// <summary>A new system and its owner entry for its own unit, in one transaction. The caller checked the department.</summary>
    public Task<AdminOutcome> AddSystemAsync(string id, string name, string unitId, string ownerDepartment, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(OrganisationSql.SystemExists, new { id }, transaction, cancellationToken: token)) > 0)
                return AdminOutcome.AlreadyExists;
            await connection.ExecuteAsync(new CommandDefinition(OrganisationSql.InsertSystem, new { id, name, unit = unitId }, transaction, cancellationToken: token));
            await connection.ExecuteAsync(new CommandDefinition(DepartmentSql.InsertOwner,
                new { systemId = id, unit = unitId, department = ownerDepartment }, transaction, cancellationToken: token));
            return AdminOutcome.Done;
        }, ct);

    public Task<AdminOutcome> AddDepartmentAsync(string code, string name, string unitId, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(DepartmentSql.DepartmentExists, new { code }, transaction, cancellationToken: token)) > 0)
                return AdminOutcome.AlreadyExists;
            await connection.ExecuteAsync(new CommandDefinition(DepartmentSql.InsertDepartment, new { code, name, unit = unitId }, transaction, cancellationToken: token));
            return AdminOutcome.Done;
        }, ct);

    public Task RenameDepartmentAsync(string code, string name, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(
            new CommandDefinition(DepartmentSql.RenameDepartment, new { code, name }, transaction, cancellationToken: token)), ct);

    /// <summary>Sets (or, with null, clears) the user's department. The caller checked the department.</summary>
    public Task SetDepartmentAsync(string userId, string? department, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(
            new CommandDefinition(DepartmentSql.SetUserDepartment, new { userId, department }, transaction, cancellationToken: token)), ct);

    public Task<string?> UnitPathOfAsync(string userId, CancellationToken ct) =>
        database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<string?>(
            new CommandDefinition(DepartmentSql.UnitPathOfUser, new { userId }, cancellationToken: token)), ct);

    public Task<string?> DepartmentOfAsync(string userId, CancellationToken ct) =>
        database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<string?>(
            new CommandDefinition(DepartmentSql.DepartmentOfUser, new { userId }, cancellationToken: token)), ct);

    /// <summary>Replaces the system's owner entries with these (unit id, department code) pairs, in one transaction. The caller checked them.</summary>
    public Task ReplaceOwnersAsync(string systemId, IReadOnlyList<(string Unit, string Department)> owners, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(DepartmentSql.DeleteOwners, new { systemId }, transaction, cancellationToken: token));
            foreach (var (unit, department) in owners)
                await connection.ExecuteAsync(new CommandDefinition(DepartmentSql.InsertOwner, new { systemId, unit, department }, transaction, cancellationToken: token));
            return owners.Count;
        }, ct);

    public Task<AdminOutcome> AddUserAsync(NewUser user, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            if (await Count(OrganisationSql.UserExists, new { userId = user.Id }) > 0) return AdminOutcome.AlreadyExists;
            foreach (var group in user.Groups)
                if (await Count(OrganisationSql.GroupExists, new { id = group }) == 0) return AdminOutcome.UnknownReference;
            await Execute(OrganisationSql.InsertUser, new
            {
                id = user.Id, name = user.Name, unit = user.UnitId, kind = user.IsIntegration ? "Integration" : "Person",
                roles = string.Join(',', user.Roles.Distinct()), department = user.Department,
            });
            foreach (var group in user.Groups.Distinct()) await Execute(OrganisationSql.InsertMember, new { group, id = user.Id });
            return AdminOutcome.Done;

            Task<long> Count(string sql, object args) => connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, args, transaction, cancellationToken: token));
            Task Execute(string sql, object args) => connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: token));
        }, ct);

    /// <summary>The user, if it belongs to the scope given by <paramref name="scopePath"/>.</summary>
    public Task<string?> FindUserInScopeAsync(string userId, string scopePath, CancellationToken ct)
    {
        var (from, to) = Scope.Range(scopePath);
        return database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<string?>(
            new CommandDefinition(OrganisationSql.UserInRange, new { userId, from, to }, cancellationToken: token)), ct);
    }

    /// <summary>The user's roles and groups (null when there is no such user).</summary>
    public Task<UserGrants?> GrantsOfAsync(string userId, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) =>
        {
            var roles = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(OrganisationSql.RolesOfUser, new { userId }, cancellationToken: token));
            if (roles is null) return null;
            var groups = await connection.QueryAsync<(string Id, string Name, string UnitId, string UnitPath, string Line)>(
                new CommandDefinition(OrganisationSql.GroupsOfMember, new { userId }, cancellationToken: token));
            return new UserGrants(OrganisationStore.ParseRoles(roles),
                groups.Select(g => new SupportGroup(g.Id, g.Name, g.UnitId, g.UnitPath, Enum.Parse<SupportLine>(g.Line))).ToList());
        }, ct);

    /// <summary>Issues a new random key for the user; the key itself is returned once and stored only as its hash.</summary>
    /// <param name="issuedBy">The issuing IT manager's user id, or the installation step that issues it.</param>
    public async Task<IssuedApiKey> IssueKeyAsync(string userId, string name, string issuedBy, DateTimeOffset now, CancellationToken ct)
    {
        var key = ApiKeyHash.NewKey();
        var hash = ApiKeyHash.Of(key);
        await database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(
            OrganisationSql.InsertKey, new { hash, id = userId, name, at = now, issuedBy }, transaction, cancellationToken: token)), ct);
        return new IssuedApiKey(hash[..KeyIdLength], key, userId, name, now, issuedBy);
    }

    public Task<IReadOnlyList<ApiKeyInfo>> KeysOfAsync(string userId, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<ApiKeyInfo>>(async (connection, token) =>
            (await connection.QueryAsync<(string KeyHash, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? IssuedBy)>(
                new CommandDefinition(OrganisationSql.KeysOfUser, new { userId }, cancellationToken: token)))
            .Select(k => new ApiKeyInfo(k.KeyHash[..KeyIdLength], k.Name, k.CreatedAt, k.RevokedAt, k.IssuedBy)).ToList(), ct);

    /// <summary>Revokes the key with this public id if it belongs to a user within the scope; false when there is none.</summary>
    public Task<bool> RevokeKeyAsync(string keyId, string scopePath, DateTimeOffset now, CancellationToken ct)
    {
        var (scopeFrom, scopeTo) = Scope.Range(scopePath);
        var (from, to) = (keyId, keyId + "g");
        return database.WriteAsync(async (connection, transaction, token) => await connection.ExecuteAsync(new CommandDefinition(
            OrganisationSql.RevokeKey, new { at = now, from, to, scopeFrom, scopeTo }, transaction, cancellationToken: token)) > 0, ct);
    }

    private Task<AdminOutcome> Insert(string existsSql, string id, string insertSql, object args, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(existsSql, new { id }, transaction, cancellationToken: token)) > 0)
                return AdminOutcome.AlreadyExists;
            await connection.ExecuteAsync(new CommandDefinition(insertSql, args, transaction, cancellationToken: token));
            return AdminOutcome.Done;
        }, ct);
}
