namespace Itsm.Infrastructure.Organisation;

/// <summary>Every statement about business departments, users' departments and system owners; the same text serves both providers.</summary>
public static class DepartmentSql
{
    private const string DepartmentColumns = "d.Code, d.Name, d.UnitId, u.Path AS UnitPath";

    public const string Department = $"SELECT {DepartmentColumns} FROM Departments d JOIN Units u ON u.Id = d.UnitId WHERE d.Code = @code";
    public const string DepartmentsInRange = $"SELECT {DepartmentColumns} FROM Departments d JOIN Units u ON u.Id = d.UnitId " +
                                             "WHERE u.Path >= @from AND u.Path < @to ORDER BY u.Path, d.Code";
    public const string DepartmentsServing = $"SELECT {DepartmentColumns} FROM Departments d JOIN Units u ON u.Id = d.UnitId " +
                                             "WHERE (u.Path >= @from AND u.Path < @to) OR u.Path IN @ancestors ORDER BY u.Path, d.Code";
    public const string DepartmentExists = "SELECT COUNT(*) FROM Departments WHERE Code = @code";
    public const string InsertDepartment = "INSERT INTO Departments (Code, Name, UnitId) VALUES (@code, @name, @unit)";
    public const string RenameDepartment = "UPDATE Departments SET Name = @name WHERE Code = @code";

    public const string SetUserDepartment = "UPDATE Users SET DepartmentCode = @department WHERE Id = @userId";
    public const string DepartmentOfUser = "SELECT DepartmentCode FROM Users WHERE Id = @userId";
    public const string UnitPathOfUser = "SELECT un.Path FROM Users u JOIN Units un ON un.Id = u.UnitId WHERE u.Id = @userId";

    public const string OwnersOfSystem = "SELECT o.UnitId, u.Path AS UnitPath, o.DepartmentCode AS Department FROM SystemOwners o " +
                                         "JOIN Units u ON u.Id = o.UnitId WHERE o.SystemId = @systemId ORDER BY u.Path";
    public const string DeleteOwners = "DELETE FROM SystemOwners WHERE SystemId = @systemId";
    public const string InsertOwner = "INSERT INTO SystemOwners (SystemId, UnitId, DepartmentCode) VALUES (@systemId, @unit, @department)";

    /// <summary>The owner entries that can decide who owns tickets of these systems at units on these paths (one query per read or page).</summary>
    public const string OwnersOnPaths = "SELECT o.SystemId, u.Path AS UnitPath, o.DepartmentCode AS Department FROM SystemOwners o " +
                                        "JOIN Units u ON u.Id = o.UnitId WHERE o.SystemId IN @systems AND u.Path IN @paths";

    public static IEnumerable<string> All() =>
    [
        Department, DepartmentsInRange, DepartmentsServing, DepartmentExists, InsertDepartment, RenameDepartment,
        SetUserDepartment, DepartmentOfUser, UnitPathOfUser, OwnersOfSystem, DeleteOwners, InsertOwner, OwnersOnPaths,
    ];
}
