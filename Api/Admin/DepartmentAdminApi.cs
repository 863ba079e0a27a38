using System.Security.Claims;
using Itsm.Api.Access;
using Itsm.Api.Organisation;
using Itsm.Api.Problems;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;

namespace Itsm.Api.Admin;

/// <summary>
/// Business departments, who belongs to them, and who owns each system per unit. An IT manager maintains the departments
/// of their subtree and the owners of the systems of their subtree; a department serves its unit and the units below it.
/// </summary>
public static partial class AdminApi
{
    private static void MapDepartments(RouteGroupBuilder admin)
    {
        admin.MapGet("/departments", ListDepartments).WithName("ListAdminDepartments")
            .WithSummary("The business departments of the units in your scope");
        admin.MapPost("/departments", CreateDepartment).WithName("CreateDepartment")
            .WithSummary("Add a business department (Finance, Human Resources) to a unit in your scope")
            .Produces<CreatedResponse>(201).ProducesValidationProblem().ProducesProblem(409).ProducesProblem(422);
        admin.MapPut("/departments/{code}", UpdateDepartment).WithName("UpdateDepartment").WithSummary("Rename a department of your scope")
            .Produces<DepartmentResponse>().ProducesValidationProblem().ProducesProblem(404);
        admin.MapPut("/users/{userId}/department", SetUserDepartment).WithName("SetUserDepartment")
            .WithSummary("Put a user of your scope in a department of their unit or a unit above it (null: none); takes effect on their keys within a minute")
            .Produces<UserDepartmentResponse>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(422);
        admin.MapGet("/systems/{systemId}/owners", GetOwners).WithName("GetSystemOwners")
            .WithSummary("Who owns a system, per unit: a ticket's owning department is the entry of the nearest unit on its unit's path")
            .Produces<SystemOwners>().ProducesProblem(404);
        admin.MapPut("/systems/{systemId}/owners", ReplaceOwners).WithName("ReplaceSystemOwners")
            .WithSummary("Replace a system's owners (one entry per unit: the system's unit and units below it)")
            .Produces<SystemOwners>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(422);
    }

    public static async Task<IReadOnlyList<DepartmentResponse>> ListDepartments(ClaimsPrincipal user, OrganisationStore organisation, CancellationToken ct) =>
        (await organisation.DepartmentsInScopeAsync(user.Actor(), ct)).Select(DepartmentResponse.From).ToList();

    public static async Task<IResult> CreateDepartment(CreateDepartmentRequest body, ClaimsPrincipal user, OrganisationStore organisation,
        OrganisationAdmin admin, CancellationToken ct)
    {
        if (await UnitInScope(body.Unit, user.Actor(), organisation, ct) is not { } unit)
            return ProblemResults.Unprocessable("unit", $"Unit '{body.Unit}' does not exist or is outside your scope.");
        return Created("departments", body.Code, await admin.AddDepartmentAsync(body.Code, body.Name.Trim(), unit.Id, ct));
    }

    public static async Task<IResult> UpdateDepartment(string code, UpdateDepartmentRequest body, ClaimsPrincipal user,
        OrganisationStore organisation, OrganisationAdmin admin, CancellationToken ct)
    {
        if (await organisation.FindDepartmentAsync(code, ct) is not { } department || !user.Actor().CanSee(department.UnitPath))
            return ProblemResults.NotFound($"Department '{code}' does not exist or is outside your scope.");
        await admin.RenameDepartmentAsync(code, body.Name.Trim(), ct);
        return TypedResults.Ok(DepartmentResponse.From(department with { Name = body.Name.Trim() }));
    }

    public static async Task<IResult> SetUserDepartment(string userId, SetUserDepartmentRequest body, ClaimsPrincipal user,
        OrganisationStore organisation, OrganisationAdmin admin, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await admin.FindUserInScopeAsync(userId, actor.UnitPath, ct) is null || await admin.UnitPathOfAsync(userId, ct) is not { } unitPath)
            return UnknownUser(userId);
        if (body.Department is { } code)
        {
            var (department, problem) = await DepartmentServing(code, unitPath, "department", organisation, ct);
            if (problem is not null) return problem;
            if (OutOfScope(actor, [], [], department) is { } refused) return refused;
        }
        await admin.SetDepartmentAsync(userId, body.Department, ct);
        return TypedResults.Ok(new UserDepartmentResponse(userId, body.Department));
    }

    public static async Task<IResult> GetOwners(string systemId, ClaimsPrincipal user, OrganisationStore organisation, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await SystemUsedBy(systemId, actor, organisation, ct) is null) return UnknownSystem(systemId);
        // Entries of other provinces are theirs: the caller sees those of its subtree and of the units above it.
        var owners = (await organisation.OwnersOfAsync(systemId, ct))
            .Where(o => actor.CanSee(o.UnitPath) || UnitPaths.IsWithin(actor.UnitPath, o.UnitPath));
        return TypedResults.Ok(new SystemOwners(owners.Select(o => new SystemOwner(o.UnitId, o.Department)).ToList()));
    }

    public static async Task<IResult> ReplaceOwners(string systemId, SystemOwners body, ClaimsPrincipal user, OrganisationStore organisation,
        OrganisationAdmin admin, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await SystemUsedBy(systemId, actor, organisation, ct) is not { } system) return UnknownSystem(systemId);
        if (!actor.CanSee(system.UnitPath))
            return ProblemResults.Problem(403, "grant-out-of-scope", "Outside your scope",
                $"System '{system.Id}' belongs to unit {system.UnitId}, above yours: its owners are set by that unit's IT managers.",
                new Dictionary<string, object?> { ["outOfScope"] = new[] { $"system {system.Id} (of unit {system.UnitId}, outside your unit)" } });
        if (body.Owners.Any(o => o is null)) return ProblemResults.Invalid("owners", "An entry may not be null.");

        var entries = new List<(string Unit, string Department)>();
        for (var i = 0; i < body.Owners.Count; i++)
        {
            var (unitId, code) = (body.Owners[i].Unit, body.Owners[i].Department);
            var field = $"owners[{i}]";
            if (await organisation.FindUnitAsync(unitId, ct) is not { } unit || !UnitPaths.IsWithin(unit.Path, system.UnitPath))
                return ProblemResults.Unprocessable(field + ".unit", $"Unit '{unitId}' does not exist or is not {system.UnitId} or a unit below it.");
            if (entries.Any(e => e.Unit == unit.Id))
                return ProblemResults.Unprocessable(field + ".unit", $"Unit '{unit.Id}' has more than one entry: a system has one owner per unit.");
            if (await DepartmentServing(code, unit.Path, field + ".department", organisation, ct) is { Problem: { } problem }) return problem;
            entries.Add((unit.Id, code));
        }
        if (entries.All(e => e.Unit != system.UnitId))
            return ProblemResults.Unprocessable("owners", $"The owners must include the system's own unit {system.UnitId} (its ownerDepartment).");

        await admin.ReplaceOwnersAsync(system.Id, entries, ct);
        organisation.ReferenceDataChanged();
        return TypedResults.Ok(new SystemOwners(entries.Select(e => new SystemOwner(e.Unit, e.Department)).ToList()));
    }

    /// <summary>The department, if it exists and serves the unit at <paramref name="unitPath"/> (is of that unit or one above); else 422 naming <paramref name="field"/>.</summary>
    private static async Task<(Department? Department, IResult? Problem)> DepartmentServing(string code, string unitPath, string field,
        OrganisationStore organisation, CancellationToken ct)
    {
        if (await organisation.FindDepartmentAsync(code, ct) is not { } department)
            return (null, ProblemResults.Unprocessable(field, $"Department '{code}' does not exist."));
        return department.Serves(unitPath)
            ? (department, null)
            : (null, ProblemResults.Unprocessable(field, $"Department '{code}' belongs to unit {department.UnitId}, which is neither this unit nor above it."));
    }

    /// <summary>The system, if the caller's units use it (it belongs to their subtree or to a unit above).</summary>
    private static async Task<BusinessSystem?> SystemUsedBy(string systemId, Actor actor, OrganisationStore organisation, CancellationToken ct) =>
        await organisation.FindSystemAsync(systemId, ct) is { } system
        && (actor.CanSee(system.UnitPath) || UnitPaths.IsWithin(actor.UnitPath, system.UnitPath))
            ? system
            : null;

    private static IResult UnknownSystem(string systemId) => ProblemResults.NotFound($"System '{systemId}' does not exist or is outside your scope.");
}
