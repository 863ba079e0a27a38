using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Organisation;

/// <summary>Units, support groups, systems, users and their keys. Lists are limited to what the caller's scope reaches.</summary>
public sealed class OrganisationStore(Database database)
{
    /// <summary>Units, groups, systems and the matrix change rarely and are read on every change: found ones are kept briefly.</summary>
    private readonly ReferenceCache _cache = new(TimeSpan.FromSeconds(10));

    public Task<Actor?> FindActorByKeyAsync(string apiKey, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
                OrganisationSql.ActorByKey, new { hash = ApiKeyHash.Of(apiKey) }, cancellationToken: token));
            if (row is null) return null;
            var groups = await GroupsOfAsync(connection, row.Id, token);
            return new Actor(row.Id, row.Name, row.UnitId, row.UnitPath, ParseRoles(row.Roles), groups.All, row.Department, groups.Line1);
        }, ct);

    /// <summary>The user named by a single sign-on token, with their roles, unit and groups from the user record.</summary>
    public Task<SignOnUser?> FindSignOnUserAsync(string userId, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<SignOnRow>(new CommandDefinition(
                OrganisationSql.ActorByUserId, new { userId }, cancellationToken: token));
            if (row is null) return null;
            var groups = await GroupsOfAsync(connection, row.Id, token);
            var roles = ParseRoles(row.Roles);
            // Integration powers come with the role, whatever the record's kind: neither may be gained by signing on.
            return new SignOnUser(new Actor(row.Id, row.Name, row.UnitId, row.UnitPath, roles, groups.All, row.Department, groups.Line1),
                row.Kind == "Integration" || roles.Contains(Role.Integration) || roles.Contains(Role.System));
        }, ct);

    /// <summary>A user's support groups, and which of them serve line 1.</summary>
    private static async Task<(HashSet<string> All, HashSet<string> Line1)> GroupsOfAsync(System.Data.Common.DbConnection connection, string userId,
        CancellationToken ct)
    {
        var groups = (await connection.QueryAsync<(string GroupId, string Line)>(
            new CommandDefinition(OrganisationSql.GroupsOfUser, new { userId }, cancellationToken: ct))).ToList();
        return (groups.Select(g => g.GroupId).ToHashSet(),
            groups.Where(g => g.Line == nameof(SupportLine.Line1)).Select(g => g.GroupId).ToHashSet());
    }

    public Task<Unit?> FindUnitAsync(string id, CancellationToken ct) => _cache.GetAsync("unit:" + id, () =>
        database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<Unit>(
            new CommandDefinition(OrganisationSql.Unit, new { id }, cancellationToken: token)), ct));

    /// <summary>Headquarters: the root of the unit tree (null while the organisation is empty).</summary>
    public Task<Unit?> RootUnitAsync(CancellationToken ct) =>
        database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<Unit>(
            new CommandDefinition(OrganisationSql.RootUnit, cancellationToken: token)), ct);

    public Task<IReadOnlyList<Unit>> UnitsInScopeAsync(Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.ReadAsync<IReadOnlyList<Unit>>(async (connection, token) => (await connection.QueryAsync<Unit>(
            new CommandDefinition(OrganisationSql.UnitsInRange, new { from, to }, cancellationToken: token))).ToList(), ct);
    }

    public Task<SupportGroup?> FindGroupAsync(string id, CancellationToken ct) => _cache.GetAsync("group:" + id, () =>
        database.ReadAsync(async (connection, token) => (await connection.QuerySingleOrDefaultAsync<GroupRow>(
            new CommandDefinition(OrganisationSql.Group, new { id }, cancellationToken: token)))?.ToGroup(), ct));

    /// <summary>Groups of the caller's units and of the units above them (which serve them, HQ's line 3 included).</summary>
    public Task<IReadOnlyList<SupportGroup>> GroupsForAsync(Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.ReadAsync<IReadOnlyList<SupportGroup>>(async (connection, token) => (await connection.QueryAsync<GroupRow>(
            new CommandDefinition(OrganisationSql.GroupsServing, new { from, to, ancestors = Scope.Ancestors(actor.UnitPath) }, cancellationToken: token)))
            .Select(g => g.ToGroup()).ToList(), ct);
    }

    public Task<BusinessSystem?> FindSystemAsync(string id, CancellationToken ct) => _cache.GetAsync("system:" + id, () =>
        database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<BusinessSystem>(
            new CommandDefinition(OrganisationSql.System, new { id }, cancellationToken: token)), ct));

    /// <summary>Systems the caller's units use: their own and those of the units above them (enterprise-wide systems live at HQ).</summary>
    public Task<IReadOnlyList<BusinessSystem>> SystemsForAsync(Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.ReadAsync<IReadOnlyList<BusinessSystem>>(async (connection, token) => (await connection.QueryAsync<BusinessSystem>(
            new CommandDefinition(OrganisationSql.SystemsUsed, new { from, to, ancestors = Scope.Ancestors(actor.UnitPath) }, cancellationToken: token))).ToList(), ct);
    }

    public Task<Department?> FindDepartmentAsync(string code, CancellationToken ct) =>
        database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<Department>(
            new CommandDefinition(DepartmentSql.Department, new { code }, cancellationToken: token)), ct);

    /// <summary>
    /// Departments the caller's units deal with: those of its subtree and those of the units above it (which own systems
    /// for units below that have no owner entry of their own, as HQ's departments do).
    /// </summary>
    public Task<IReadOnlyList<Department>> DepartmentsForAsync(Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.ReadAsync<IReadOnlyList<Department>>(async (connection, token) => (await connection.QueryAsync<Department>(
            new CommandDefinition(DepartmentSql.DepartmentsServing, new { from, to, ancestors = Scope.Ancestors(actor.UnitPath) }, cancellationToken: token))).ToList(), ct);
    }

    /// <summary>Departments of the units in the caller's subtree (those an IT manager maintains).</summary>
    public Task<IReadOnlyList<Department>> DepartmentsInScopeAsync(Actor actor, CancellationToken ct)
    {
        var (from, to) = Scope.Range(actor.UnitPath);
        return database.ReadAsync<IReadOnlyList<Department>>(async (connection, token) => (await connection.QueryAsync<Department>(
            new CommandDefinition(DepartmentSql.DepartmentsInRange, new { from, to }, cancellationToken: token))).ToList(), ct);
    }

    /// <summary>The system's owner entries, by unit path (the system's own unit first).</summary>
    public Task<IReadOnlyList<OwnerEntry>> OwnersOfAsync(string systemId, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<OwnerEntry>>(async (connection, token) => (await connection.QueryAsync<OwnerEntry>(
            new CommandDefinition(DepartmentSql.OwnersOfSystem, new { systemId }, cancellationToken: token))).ToList(), ct);

    public Task<Assignee?> FindAssigneeAsync(string userId, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) =>
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(OrganisationSql.UserExists, new { userId }, cancellationToken: token)) == 0)
                return null;
            var groups = await connection.QueryAsync<string>(new CommandDefinition(OrganisationSql.GroupsOfUser, new { userId }, cancellationToken: token));
            return new Assignee(userId, groups.ToHashSet());
        }, ct);

    /// <summary>A user by id, whoever's scope they are in (the caller checks that); null when there is none.</summary>
    public Task<OrganisationUser?> FindUserAsync(string userId, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) => (await connection.QuerySingleOrDefaultAsync<UserKindRow>(
            new CommandDefinition(OrganisationSql.UserById, new { userId }, cancellationToken: token)))?.ToUser(), ct);

    public async Task<PriorityMatrix> PriorityMatrixAsync(CancellationToken ct) => (await _cache.GetAsync<PriorityMatrix>("matrix", async () =>
        await database.ReadAsync(async (connection, token) =>
        {
            var cells = await connection.QueryAsync<(string Impact, string Urgency, string Priority)>(
                new CommandDefinition(OrganisationSql.PriorityMatrix, cancellationToken: token));
            return new PriorityMatrix(cells.Select(c =>
                new PriorityMatrixCell(Enum.Parse<Impact>(c.Impact), Enum.Parse<Urgency>(c.Urgency), Enum.Parse<Priority>(c.Priority))));
        }, ct)))!;

    /// <summary>Forgets cached reference data (after this instance changed some).</summary>
    public void ReferenceDataChanged() => _cache.Clear();

    /// <summary>Whether the database answers with its schema in place (for readiness).</summary>
    public Task PingAsync(CancellationToken ct) =>
        database.ReadAsync((connection, token) => connection.ExecuteScalarAsync<long>(new CommandDefinition(OrganisationSql.Ping, cancellationToken: token)), ct);

    internal static IReadOnlySet<Role> ParseRoles(string roles) =>
        roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Enum.Parse<Role>).ToHashSet();

    private sealed record GroupRow(string Id, string Name, string UnitId, string UnitPath, string Line)
    {
        public SupportGroup ToGroup() => new(Id, Name, UnitId, UnitPath, Enum.Parse<SupportLine>(Line));
    }

    private sealed record UserRow(string Id, string Name, string UnitId, string UnitPath, string Roles, string? Department);

    private sealed record UserKindRow(string Id, string UnitId, string UnitPath, string Kind, string Roles)
    {
        public OrganisationUser ToUser() => new(Id, UnitId, UnitPath, Kind == "Person", ParseRoles(Roles).Contains(Role.Requester));
    }

    private sealed record SignOnRow(string Id, string Name, string UnitId, string UnitPath, string Roles, string Kind, string? Department);
}

/// <summary>A user as single sign-on finds them: the caller they act as, and whether the user is an integration (not a person).</summary>
public sealed record SignOnUser(Actor Caller, bool IsIntegration);

/// <summary>A small time-boxed cache of found values (misses are not kept, so new entries show up at once).</summary>
internal sealed class ReferenceCache(TimeSpan ttl)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (object Value, long Until)> _entries = new();

    public async Task<T?> GetAsync<T>(string key, Func<Task<T?>> load)
    {
        var now = Environment.TickCount64;
        if (_entries.TryGetValue(key, out var entry) && entry.Until > now) return (T)entry.Value;
        var value = await load();
        if (value is not null) _entries[key] = (value, now + (long)ttl.TotalMilliseconds);
        return value;
    }

    public void Clear() => _entries.Clear();
}

/// <summary>A unit subtree as a half-open range of paths: '/HQ/JS/' covers every path from '/HQ/JS/' up to '/HQ/JS0'.</summary>
public static class Scope
{
    public static (string From, string To) Range(string unitPath) => (unitPath, unitPath[..^1] + (char)('/' + 1));

    public static string[] Ancestors(string unitPath)
    {
        var parts = unitPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return Enumerable.Range(1, parts.Length).Select(n => "/" + string.Join('/', parts.Take(n)) + "/").ToArray();
    }
}
