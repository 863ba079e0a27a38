using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Organisation;

/// <summary>Units, support groups, systems, users and their keys. Lists are limited to what the caller's scope reaches.</summary>
public sealed class OrganisationStore(Database database)
{
    private const string GroupColumns = "g.Id, g.Name, g.UnitId, u.Path AS UnitPath, g.Line";
    private const string SystemColumns = "s.Id, s.Name, s.UnitId, u.Path AS UnitPath, s.OwnerDepartment";

    public async Task<Actor?> FindActorByKeyAsync(string apiKey, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition("""
            SELECT u.Id, u.Name, u.UnitId, un.Path AS UnitPath, u.Roles
            FROM ApiKeys k JOIN Users u ON u.Id = k.UserId JOIN Units un ON un.Id = u.UnitId
            WHERE k.KeyHash = @hash AND k.RevokedAt IS NULL
            """, new { hash = ApiKeyHash.Of(apiKey) }, cancellationToken: ct));
        if (row is null) return null;
        var groups = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT GroupId FROM GroupMembers WHERE UserId = @Id", new { row.Id }, cancellationToken: ct));
        return new Actor(row.Id, row.Name, row.UnitId, row.UnitPath, ParseRoles(row.Roles), groups.ToHashSet());
    }

    public async Task<Unit?> FindUnitAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Unit>(new CommandDefinition(
            "SELECT Id, Name, ParentId, Path FROM Units WHERE Id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Unit>> UnitsInScopeAsync(Actor actor, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var (from, to) = Scope.Range(actor.UnitPath);
        return (await connection.QueryAsync<Unit>(new CommandDefinition(
            "SELECT Id, Name, ParentId, Path FROM Units WHERE Path >= @from AND Path < @to ORDER BY Path",
            new { from, to }, cancellationToken: ct))).ToList();
    }

    public async Task<SupportGroup?> FindGroupAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<GroupRow>(new CommandDefinition(
            $"SELECT {GroupColumns} FROM SupportGroups g JOIN Units u ON u.Id = g.UnitId WHERE g.Id = @id", new { id }, cancellationToken: ct)))?.ToGroup();
    }

    /// <summary>Groups of the caller's units, of the units above them (which serve them) and HQ's line 3.</summary>
    public async Task<IReadOnlyList<SupportGroup>> GroupsForAsync(Actor actor, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var (from, to) = Scope.Range(actor.UnitPath);
        return (await connection.QueryAsync<GroupRow>(new CommandDefinition(
            $"SELECT {GroupColumns} FROM SupportGroups g JOIN Units u ON u.Id = g.UnitId " +
            "WHERE (u.Path >= @from AND u.Path < @to) OR u.Path IN @ancestors ORDER BY u.Path, g.Id",
            new { from, to, ancestors = Scope.Ancestors(actor.UnitPath) }, cancellationToken: ct))).Select(g => g.ToGroup()).ToList();
    }

    public async Task<BusinessSystem?> FindSystemAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BusinessSystem>(new CommandDefinition(
            $"SELECT {SystemColumns} FROM Systems s JOIN Units u ON u.Id = s.UnitId WHERE s.Id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Systems the caller's units use: their own and those of the units above them (enterprise-wide systems live at HQ).</summary>
    public async Task<IReadOnlyList<BusinessSystem>> SystemsForAsync(Actor actor, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var (from, to) = Scope.Range(actor.UnitPath);
        return (await connection.QueryAsync<BusinessSystem>(new CommandDefinition(
            $"SELECT {SystemColumns} FROM Systems s JOIN Units u ON u.Id = s.UnitId " +
            "WHERE (u.Path >= @from AND u.Path < @to) OR u.Path IN @ancestors ORDER BY u.Path, s.Id",
            new { from, to, ancestors = Scope.Ancestors(actor.UnitPath) }, cancellationToken: ct))).ToList();
    }

    public async Task<Assignee?> FindAssigneeAsync(string userId, string unitPathOfTicket, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM Users WHERE Id = @userId", new { userId }, cancellationToken: ct));
        if (exists == 0) return null;
        var groups = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT GroupId FROM GroupMembers WHERE UserId = @userId", new { userId }, cancellationToken: ct));
        return new Assignee(userId, groups.ToHashSet());
    }

    public async Task<PriorityMatrix> PriorityMatrixAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var cells = await connection.QueryAsync<(string Impact, string Urgency, string Priority)>(new CommandDefinition(
            "SELECT Impact, Urgency, Priority FROM PriorityMatrix", cancellationToken: ct));
        return new PriorityMatrix(cells.Select(c =>
            new PriorityMatrixCell(Enum.Parse<Impact>(c.Impact), Enum.Parse<Urgency>(c.Urgency), Enum.Parse<Priority>(c.Priority))));
    }

    internal static IReadOnlySet<Role> ParseRoles(string roles) =>
        roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Enum.Parse<Role>).ToHashSet();

    private sealed record GroupRow(string Id, string Name, string UnitId, string UnitPath, string Line)
    {
        public SupportGroup ToGroup() => new(Id, Name, UnitId, UnitPath, Enum.Parse<SupportLine>(Line));
    }

    private sealed record UserRow(string Id, string Name, string UnitId, string UnitPath, string Roles);
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
