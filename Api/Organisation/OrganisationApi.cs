using System.Security.Claims;
using Itsm.Api.Access;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;

namespace Itsm.Api.Organisation;

/// <param name="Department">The business department (code) the caller belongs to, if any: a business approver approves the changes of the systems it owns.</param>
public sealed record MeResponse(string Id, string Name, string Unit, string UnitPath, IReadOnlyList<Role> Roles, IReadOnlyList<string> Groups,
    string? Department);

public sealed record UnitResponse(string Id, string Name, string? Parent, string Path);

public sealed record GroupResponse(string Id, string Name, string Unit, SupportLine Line);

/// <param name="OwnerDepartment">The department (code) owning the system at its own unit; units below may have their own owners (<c>/admin/systems/{id}/owners</c>).</param>
public sealed record SystemResponse(string Id, string Name, string Unit, string? OwnerDepartment);

/// <summary>A business department of a unit.</summary>
public sealed record DepartmentResponse(string Code, string Name, string Unit)
{
    public static DepartmentResponse From(Department d) => new(d.Code, d.Name, d.UnitId);
}

/// <summary>Who the caller is, and the organisation within the caller's reach.</summary>
public static class OrganisationApi
{
    public static RouteGroupBuilder MapOrganisation(this RouteGroupBuilder api)
    {
        var organisation = api.MapGroup("").WithTags("Organisation");
        organisation.MapGet("/me", Me).WithName("GetMe").WithSummary("The caller: user, unit, roles and support groups");
        organisation.MapGet("/units", Units).WithName("ListUnits").WithSummary("The units in the caller's scope (its unit and those below)");
        organisation.MapGet("/groups", Groups).WithName("ListGroups")
            .WithSummary("Support groups serving the caller's scope: its units' groups and those of the units above");
        organisation.MapGet("/systems", Systems).WithName("ListSystems")
            .WithSummary("Business systems the caller's units use, with their owning business department");
        organisation.MapGet("/departments", Departments).WithName("ListDepartments")
            .WithSummary("Business departments of the caller's units and of the units above them (which own systems for units without an owner of their own)");
        return api;
    }

    public static MeResponse Me(ClaimsPrincipal user)
    {
        var actor = user.Actor();
        return new MeResponse(actor.UserId, actor.Name, actor.UnitId, actor.UnitPath, actor.Roles.Order().ToList(), actor.GroupIds.Order().ToList(),
            actor.Department);
    }

    public static async Task<IReadOnlyList<UnitResponse>> Units(ClaimsPrincipal user, OrganisationStore store, CancellationToken ct) =>
        (await store.UnitsInScopeAsync(user.Actor(), ct)).Select(u => new UnitResponse(u.Id, u.Name, u.ParentId, u.Path)).ToList();

    public static async Task<IReadOnlyList<GroupResponse>> Groups(ClaimsPrincipal user, OrganisationStore store, CancellationToken ct) =>
        (await store.GroupsForAsync(user.Actor(), ct)).Select(g => new GroupResponse(g.Id, g.Name, g.UnitId, g.Line)).ToList();

    public static async Task<IReadOnlyList<SystemResponse>> Systems(ClaimsPrincipal user, OrganisationStore store, CancellationToken ct) =>
        (await store.SystemsForAsync(user.Actor(), ct)).Select(s => new SystemResponse(s.Id, s.Name, s.UnitId, s.OwnerDepartment)).ToList();

    public static async Task<IReadOnlyList<DepartmentResponse>> Departments(ClaimsPrincipal user, OrganisationStore store, CancellationToken ct) =>
        (await store.DepartmentsForAsync(user.Actor(), ct)).Select(DepartmentResponse.From).ToList();
}
