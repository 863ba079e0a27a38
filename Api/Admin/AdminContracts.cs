using System.ComponentModel.DataAnnotations;
using Itsm.Api.Validation;
using Itsm.Domain.Organisation;

namespace Itsm.Api.Admin;

/// <summary>Codes are short upper-case identifiers: <c>JS-NJ</c>, <c>JS-L2SYS</c>, <c>ERP</c>.</summary>
internal static class Codes
{
    public const string Pattern = "^[A-Z0-9][A-Z0-9-]{0,31}$";
    public const string UserPattern = "^[a-z0-9][a-z0-9._-]{0,63}$";
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
    [property: Required, StringLength(200, MinimumLength = 1), PlainText] string OwnerDepartment);

/// <param name="Integration">True for another system (monitoring, a helpdesk tool) rather than a person.</param>
/// <param name="Groups">Support groups the user works in (engineers must belong to the group a ticket is assigned to).</param>
public sealed record CreateUserRequest(
    [property: Required, RegularExpression(Codes.UserPattern), PlainText] string Id,
    [property: Required, StringLength(200, MinimumLength = 1), PlainText] string Name,
    [property: Required, StringLength(32, MinimumLength = 1), PlainText] string Unit,
    [property: Required, MinLength(1), MaxLength(7)] IReadOnlyList<Role> Roles,
    [property: MaxLength(50)] IReadOnlyList<string>? Groups = null,
    bool Integration = false);

public sealed record IssueKeyRequest([property: Required, StringLength(200, MinimumLength = 1), PlainText] string Name);

public sealed record CreatedResponse(string Id);
