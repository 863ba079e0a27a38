using System.ComponentModel.DataAnnotations;
using Itsm.Api.Validation;
using Itsm.Domain.Organisation;

namespace Itsm.Api.Admin;

/// <summary>Codes are short upper-case identifiers: <c>JS-NJ</c>, <c>JS-L2SYS</c>, <c>ERP</c>.</summary>
internal static class Codes
{
    public const string Pattern = "^[A-Z0-9][A-Z0-9-]{0,31}$";
    public const string UserPattern = "^[a-z0-9][a-z0-9._-]{0,63}$";
    /// <summary>Department codes follow the same rules, up to <see cref="Department.MaxCodeLength"/> characters: <c>JS-FIN</c>.</summary>
    public const string DepartmentPattern = "^[A-Z0-9][A-Z0-9-]{0,39}$";
}

/// <param name="Id">Unit code, e.g. <c>JS-SZ</c>; it prefixes the unit's ticket numbers.</param>
/// <param name="Parent">The unit above it, within the caller's scope.</param>
public sealed record CreateUnitRequest(
    [property: Required, RegularExpression(Codes.Pattern), PlainText] string Id,
    [property: Required, StringLength(200, MinimumLength = 1), PlainText] string Name,
    [property: Required, StringLength(32, MinimumLength = 1), PlainText] string Parent);

public sealed record CreateGroupRequest(
    [property: Required, RegularExpression(Codes.Pattern), PlainText] string Id,
    [property: Required, StringLength(200, MinimumLength = 1), PlainText] string Name,
    [property: Required, StringLength(32, MinimumLength = 1), PlainText] string Unit,
    [property: Required] SupportLine? Line);

public sealed record CreateSystemRequest(
    [property: Required, RegularExpression(Codes.Pattern), PlainText] string Id,
    [property: Required, StringLength(200, MinimumLength = 1), PlainText] string Name,
    [property: Required, StringLength(32, MinimumLength = 1), PlainText] string Unit,
    [property: Required, RegularExpression(Codes.DepartmentPattern), PlainText] string OwnerDepartment);

/// <param name="Integration">True for another system (monitoring, a helpdesk tool) rather than a person.</param>
/// <param name="Groups">Support groups the user works in (engineers must belong to the group a ticket is assigned to).</param>
/// <param name="Department">The business department (code) the person belongs to: one of the user's unit or of a unit above it.</param>
public sealed record CreateUserRequest(
    [property: Required, RegularExpression(Codes.UserPattern), PlainText] string Id,
    [property: Required, StringLength(200, MinimumLength = 1), PlainText] string Name,
    [property: Required, StringLength(32, MinimumLength = 1), PlainText] string Unit,
    [property: Required, MinLength(1), MaxLength(7)] IReadOnlyList<Role> Roles,
    [property: MaxLength(50)] IReadOnlyList<string>? Groups = null,
    bool Integration = false,
    [property: RegularExpression(Codes.DepartmentPattern), PlainText] string? Department = null);

public sealed record IssueKeyRequest([property: Required, StringLength(200, MinimumLength = 1), PlainText] string Name);

public sealed record CreatedResponse(string Id);

/// <param name="Code">Department code, e.g. <c>JS-FIN</c>; it never changes.</param>
/// <param name="Unit">The unit the department belongs to, within the caller's scope; it serves that unit and those below.</param>
public sealed record CreateDepartmentRequest(
    [property: Required, RegularExpression(Codes.DepartmentPattern), PlainText] string Code,
    [property: Required, StringLength(200, MinimumLength = 1), PlainText] string Name,
    [property: Required, StringLength(32, MinimumLength = 1), PlainText] string Unit);

/// <summary>What may change about a department: its name (a department does not move between units: create another).</summary>
public sealed record UpdateDepartmentRequest([property: Required, StringLength(200, MinimumLength = 1), PlainText] string Name);

/// <param name="Department">The department (code) the user belongs to from now on; null: none.</param>
public sealed record SetUserDepartmentRequest([property: RegularExpression(Codes.DepartmentPattern), PlainText] string? Department);

public sealed record UserDepartmentResponse(string User, string? Department);

/// <param name="Unit">The unit this entry applies to (with the units below it that have no entry of their own).</param>
/// <param name="Department">The department that owns the system there: one of that unit or of a unit above it.</param>
public sealed record SystemOwner(
    [property: Required, StringLength(32, MinimumLength = 1), PlainText] string Unit,
    [property: Required, RegularExpression(Codes.DepartmentPattern), PlainText] string Department);

/// <param name="Owners">One entry per unit: the system's own unit (its <c>ownerDepartment</c>) and any units below it.</param>
public sealed record SystemOwners([property: Required, MinLength(1), MaxLength(500)] IReadOnlyList<SystemOwner> Owners);
