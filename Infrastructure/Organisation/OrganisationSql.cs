namespace Itsm.Infrastructure.Organisation;

/// <summary>Every statement the organisation store and the demo data send; the same text serves both providers.</summary>
public static class OrganisationSql
{
    private const string GroupColumns = "g.Id, g.Name, g.UnitId, u.Path AS UnitPath, g.Line";
    // The owner entry for the system's own unit is its OwnerDepartment.
    private const string SystemColumns = "s.Id, s.Name, s.UnitId, u.Path AS UnitPath, o.DepartmentCode AS OwnerDepartment";
    private const string SystemsWithOwner = "Systems s JOIN Units u ON u.Id = s.UnitId LEFT JOIN SystemOwners o ON o.SystemId = s.Id AND o.UnitId = s.UnitId";

    public const string ActorByKey = """
        SELECT u.Id, u.Name, u.UnitId, un.Path AS UnitPath, u.Roles, u.DepartmentCode AS Department
        FROM ApiKeys k JOIN Users u ON u.Id = k.UserId JOIN Units un ON un.Id = u.UnitId
        WHERE k.KeyHash = @hash AND k.RevokedAt IS NULL
        """;

    /// <summary>The user a single sign-on token names (any kind: the caller refuses integrations).</summary>
    public const string ActorByUserId = """
        SELECT u.Id, u.Name, u.UnitId, un.Path AS UnitPath, u.Roles, u.Kind, u.DepartmentCode AS Department
        FROM Users u JOIN Units un ON un.Id = u.UnitId
        WHERE u.Id = @userId
        """;

    public const string GroupsOfUser = "SELECT m.GroupId, g.Line FROM GroupMembers m JOIN SupportGroups g ON g.Id = m.GroupId WHERE m.UserId = @userId";
    public const string UserExists = "SELECT COUNT(*) FROM Users WHERE Id = @userId";
    public const string UserById = """
        SELECT u.Id, u.UnitId, un.Path AS UnitPath, u.Kind, u.Roles FROM Users u JOIN Units un ON un.Id = u.UnitId WHERE u.Id = @userId
        """;
    public const string Unit = "SELECT Id, Name, ParentId, Path FROM Units WHERE Id = @id";
    public const string UnitsInRange = "SELECT Id, Name, ParentId, Path FROM Units WHERE Path >= @from AND Path < @to ORDER BY Path";
    public const string Group = $"SELECT {GroupColumns} FROM SupportGroups g JOIN Units u ON u.Id = g.UnitId WHERE g.Id = @id";
    public const string GroupsServing = $"SELECT {GroupColumns} FROM SupportGroups g JOIN Units u ON u.Id = g.UnitId " +
                                        "WHERE (u.Path >= @from AND u.Path < @to) OR u.Path IN @ancestors ORDER BY u.Path, g.Id";
    public const string System = $"SELECT {SystemColumns} FROM {SystemsWithOwner} WHERE s.Id = @id";
    public const string SystemsUsed = $"SELECT {SystemColumns} FROM {SystemsWithOwner} " +
                                      "WHERE (u.Path >= @from AND u.Path < @to) OR u.Path IN @ancestors ORDER BY u.Path, s.Id";
    public const string PriorityMatrix = "SELECT Impact, Urgency, Priority FROM PriorityMatrix";

    public const string CountUnits = "SELECT COUNT(*) FROM Units";
    public const string InsertUnit = "INSERT INTO Units (Id, Name, ParentId, Path) VALUES (@id, @name, @parent, @path)";
    public const string InsertGroup = "INSERT INTO SupportGroups (Id, Name, UnitId, Line) VALUES (@id, @name, @unit, @line)";
    public const string InsertSystem = "INSERT INTO Systems (Id, Name, UnitId) VALUES (@id, @name, @unit)";
    public const string InsertUser = "INSERT INTO Users (Id, Name, UnitId, Kind, Roles, DepartmentCode) VALUES (@id, @name, @unit, @kind, @roles, @department)";
    public const string InsertMember = "INSERT INTO GroupMembers (GroupId, UserId) VALUES (@group, @id)";
    public const string InsertKey = "INSERT INTO ApiKeys (KeyHash, UserId, Name, CreatedAt, IssuedBy) VALUES (@hash, @id, @name, @at, @issuedBy)";
    public const string RootUnit = "SELECT Id, Name, ParentId, Path FROM Units WHERE ParentId IS NULL";
    public const string RolesOfUser = "SELECT Roles FROM Users WHERE Id = @userId";
    public const string GroupsOfMember = $"SELECT {GroupColumns} FROM GroupMembers m JOIN SupportGroups g ON g.Id = m.GroupId " +
                                         "JOIN Units u ON u.Id = g.UnitId WHERE m.UserId = @userId ORDER BY g.Id";

    public const string Ping = "SELECT COUNT(*) FROM SchemaVersions";

    public const string UnitExists = "SELECT COUNT(*) FROM Units WHERE Id = @id";
    public const string GroupExists = "SELECT COUNT(*) FROM SupportGroups WHERE Id = @id";
    public const string SystemExists = "SELECT COUNT(*) FROM Systems WHERE Id = @id";
    public const string KeysOfUser = "SELECT KeyHash, Name, CreatedAt, RevokedAt, IssuedBy FROM ApiKeys WHERE UserId = @userId ORDER BY CreatedAt";
    public const string UserInRange = """
        SELECT u.Id FROM Users u JOIN Units un ON un.Id = u.UnitId
        WHERE u.Id = @userId AND un.Path >= @from AND un.Path < @to
        """;
    public const string RevokeKey = """
        UPDATE ApiKeys SET RevokedAt = @at
        WHERE KeyHash >= @from AND KeyHash < @to AND RevokedAt IS NULL
          AND UserId IN (SELECT u.Id FROM Users u JOIN Units un ON un.Id = u.UnitId WHERE un.Path >= @scopeFrom AND un.Path < @scopeTo)
        """;

    public static IEnumerable<string> All() =>
    [
        ActorByKey, ActorByUserId, GroupsOfUser, UserExists, Unit, UnitsInRange, Group, GroupsServing, System, SystemsUsed, PriorityMatrix,
        CountUnits, InsertUnit, InsertGroup, InsertSystem, InsertUser, InsertMember, InsertKey, Ping,
        UnitExists, GroupExists, SystemExists, KeysOfUser, UserInRange, RevokeKey, RootUnit, RolesOfUser, GroupsOfMember,
        UserById,
    ];
}
