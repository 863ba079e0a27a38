using System.Security.Claims;
using System.Text.RegularExpressions;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;

namespace Itsm.Api.Admin;

/// <summary>
/// The organisation and its API keys, maintained by a unit's IT manager within the unit's subtree
/// (headquarters' IT manager: everywhere). Groups, roles and keys granted stay within it too (<see cref="GrantScope"/>).
/// </summary>
public static partial class AdminApi
{
    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").WithTags("Administration")
            .Allow(Policies.ItManager)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        admin.MapPost("/units", CreateUnit).WithName("CreateUnit").WithSummary("Add a unit below one in your scope")
            .Produces<CreatedResponse>(201).ProducesValidationProblem().ProducesProblem(409).ProducesProblem(422);
        admin.MapPost("/groups", CreateGroup).WithName("CreateGroup").WithSummary("Add a support group (line 1, line 2 system/business, line 3) to a unit")
            .Produces<CreatedResponse>(201).ProducesValidationProblem().ProducesProblem(409).ProducesProblem(422);
        admin.MapPost("/systems", CreateSystem).WithName("CreateSystem").WithSummary("Register a business system and its owning business department")
            .Produces<CreatedResponse>(201).ProducesValidationProblem().ProducesProblem(409).ProducesProblem(422);
        admin.MapPost("/users", CreateUser).WithName("CreateUser").WithSummary("Add a person or an integration with its roles and support groups")
            .Produces<CreatedResponse>(201).ProducesValidationProblem().ProducesProblem(409).ProducesProblem(422);
        admin.MapPost("/users/{userId}/api-keys", IssueKey).WithName("IssueApiKey")
            .WithSummary("Issue an API key for a user; the key is shown in this response only")
            .Produces<IssuedApiKey>(201).ProducesValidationProblem().ProducesProblem(404);
        admin.MapGet("/users/{userId}/api-keys", ListKeys).WithName("ListApiKeys").WithSummary("A user's API keys (ids and dates, never the keys)")
            .Produces<IReadOnlyList<ApiKeyInfo>>().ProducesProblem(404);
        admin.MapDelete("/api-keys/{keyId}", RevokeKey).WithName("RevokeApiKey")
            .WithSummary("Revoke an API key (takes effect on every instance within a minute)")
            .Produces(204).ProducesProblem(404);
        MapDepartments(admin);
        return api;
    }

    public static async Task<IResult> CreateUnit(CreateUnitRequest body, ClaimsPrincipal user, OrganisationStore organisation,
        OrganisationAdmin admin, CancellationToken ct)
    {
        if (await UnitInScope(body.Parent, user.Actor(), organisation, ct) is not { } parent)
            return ProblemResults.Unprocessable("parent", $"Unit '{body.Parent}' does not exist or is outside your scope.");
        if (parent.Path.Length + body.Id.Length + 1 > Unit.MaxPathLength)
            return ProblemResults.Unprocessable("id", $"The unit's path would be longer than {Unit.MaxPathLength} characters: the tree is too deep for this id.");
        return Created("units", body.Id, await admin.AddUnitAsync(body.Id, body.Name.Trim(), parent, ct));
    }

    public static async Task<IResult> CreateGroup(CreateGroupRequest body, ClaimsPrincipal user, OrganisationStore organisation,
        OrganisationAdmin admin, CancellationToken ct)
    {
        if (await UnitInScope(body.Unit, user.Actor(), organisation, ct) is not { } unit)
            return ProblemResults.Unprocessable("unit", $"Unit '{body.Unit}' does not exist or is outside your scope.");
        return Created("groups", body.Id, await admin.AddGroupAsync(body.Id, body.Name.Trim(), unit.Id, body.Line!.Value, ct));
    }

    public static async Task<IResult> CreateSystem(CreateSystemRequest body, ClaimsPrincipal user, OrganisationStore organisation,
        OrganisationAdmin admin, CancellationToken ct)
    {
        if (await UnitInScope(body.Unit, user.Actor(), organisation, ct) is not { } unit)
            return ProblemResults.Unprocessable("unit", $"Unit '{body.Unit}' does not exist or is outside your scope.");
        if (await DepartmentServing(body.OwnerDepartment, unit.Path, "ownerDepartment", organisation, ct) is { Problem: { } problem }) return problem;
        return Created("systems", body.Id, await admin.AddSystemAsync(body.Id, body.Name.Trim(), unit.Id, body.OwnerDepartment, ct));
    }

    public static async Task<IResult> CreateUser(CreateUserRequest body, ClaimsPrincipal user, OrganisationStore organisation,
        OrganisationAdmin admin, CancellationToken ct)
    {
        if (await UnitInScope(body.Unit, user.Actor(), organisation, ct) is not { } unit)
            return ProblemResults.Unprocessable("unit", $"Unit '{body.Unit}' does not exist or is outside your scope.");
        if (body.Roles.Contains(Role.System))
            return ProblemResults.Invalid("roles", "roles may not include System.");
        var groups = new List<SupportGroup>();
        foreach (var id in (body.Groups ?? []).Distinct())
        {
            if (await organisation.FindGroupAsync(id, ct) is not { } group) return ProblemResults.Unprocessable("groups", $"Group '{id}' does not exist.");
            groups.Add(group);
        }
        Department? department = null;
        if (body.Department is { } code)
        {
            var serving = await DepartmentServing(code, unit.Path, "department", organisation, ct);
            if (serving.Problem is { } problem) return problem;
            department = serving.Department;
        }
        if (OutOfScope(user.Actor(), body.Roles, groups, department) is { } refused) return refused;
        var outcome = await admin.AddUserAsync(
            new NewUser(body.Id, body.Name.Trim(), unit.Id, body.Integration, body.Roles, body.Groups ?? [], department?.Code), ct);
        return outcome == AdminOutcome.UnknownReference
            ? ProblemResults.Unprocessable("groups", "One of the groups does not exist.")
            : Created("users", body.Id, outcome);
    }

    public static async Task<IResult> IssueKey(string userId, IssueKeyRequest body, ClaimsPrincipal user, OrganisationAdmin admin,
        OrganisationStore organisation, TimeProvider clock, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await admin.FindUserInScopeAsync(userId, actor.UnitPath, ct) is null || await admin.GrantsOfAsync(userId, ct) is not { } grants)
            return UnknownUser(userId);
        var department = await admin.DepartmentOfAsync(userId, ct) is { } code ? await organisation.FindDepartmentAsync(code, ct) : null;
        // A key carries all of its user's roles, groups and department: it is granted only if they all lie within the issuer's scope.
        if (OutOfScope(actor, grants.Roles, grants.Groups, department) is { } refused) return refused;
        var key = await admin.IssueKeyAsync(userId, body.Name.Trim(), actor.UserId, clock.GetUtcNow(), ct);
        return TypedResults.Created($"/api/v1/admin/users/{userId}/api-keys", key);
    }

    public static async Task<IResult> ListKeys(string userId, ClaimsPrincipal user, OrganisationAdmin admin, CancellationToken ct) =>
        await admin.FindUserInScopeAsync(userId, user.Actor().UnitPath, ct) is null
            ? UnknownUser(userId)
            : TypedResults.Ok(await admin.KeysOfAsync(userId, ct));

    public static async Task<IResult> RevokeKey(string keyId, ClaimsPrincipal user, OrganisationAdmin admin, TimeProvider clock, CancellationToken ct)
    {
        if (!KeyId().IsMatch(keyId)) return ProblemResults.Invalid("keyId", $"A key id is {OrganisationAdmin.KeyIdLength} lower-case hex digits.");
        return await admin.RevokeKeyAsync(keyId, user.Actor().UnitPath, clock.GetUtcNow(), ct)
            ? TypedResults.NoContent()
            : ProblemResults.NotFound($"No active API key '{keyId}' within your scope.");
    }

    private static IResult? OutOfScope(Actor manager, IEnumerable<Role> roles, IEnumerable<SupportGroup> groups, Department? department = null) =>
        GrantScope.OutOfScope(manager, roles, groups, department) is { Count: > 0 } outside
            ? ProblemResults.Problem(403, "grant-out-of-scope", "Outside your scope", $"You may not grant: {string.Join("; ", outside)}.",
                new Dictionary<string, object?> { ["outOfScope"] = outside })
            : null;

    private static async Task<Unit?> UnitInScope(string id, Actor actor, OrganisationStore organisation, CancellationToken ct) =>
        await organisation.FindUnitAsync(id, ct) is { } unit && actor.CanSee(unit.Path) ? unit : null;

    private static IResult Created(string collection, string id, AdminOutcome outcome) => outcome == AdminOutcome.AlreadyExists
        ? ProblemResults.Problem(409, "already-exists", "Already exists", $"'{id}' already exists in {collection}.")
        : TypedResults.Created($"/api/v1/{collection}", new CreatedResponse(id));

    private static IResult UnknownUser(string userId) => ProblemResults.NotFound($"User '{userId}' does not exist or is outside your scope.");

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex KeyId();
}
