using Itsm.Api.Problems;
using Itsm.Domain.Organisation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Itsm.Api.Access;

/// <summary>
/// Who may call what, by name. Route groups and endpoints name a policy where they are mapped, the OpenAPI document
/// states it on each operation, and a refusal is a 403 problem that says which policy refused. Ticket actions are
/// not here: the transition table (<c>TicketWorkflow</c>) decides them per status, role and relation to the ticket.
/// </summary>
public static class Policies
{
    public const string ItManager = "ItManager";
    public const string HqItManager = "HqItManager";
    public const string EscalationOperator = "EscalationOperator";
    public const string HqSystem = "HqSystem";
    public const string Integration = "Integration";
    public const string InventoryKeeper = "InventoryKeeper";
    public const string ReportReader = "ReportReader";

    /// <summary>What each policy means, in the words the 403 problem and the OpenAPI document use.</summary>
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [ItManager] = "IT managers, within their unit's scope.",
        [HqItManager] = "Headquarters' IT managers (company-wide settings).",
        [EscalationOperator] = "Engineers, IT managers and HQ engineers.",
        [HqSystem] = "The HQ system's integration key (an Integration user of headquarters).",
        [Integration] = "Integration keys (another system reporting to this one), within their unit's scope.",
        [InventoryKeeper] = "IT managers, and engineers of a line 2 group serving the item's unit.",
        [ReportReader] = "IT managers of the unit or above, and business approvers (their department's systems only).",
    };

    public static IServiceCollection AddItsmPolicies(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, PolicyRefusal>();
        return services.AddAuthorization(o =>
        {
            o.AddPolicy(ItManager, p => p.RequireAssertion(c => Caller(c) is { } a && a.Has(Role.ItManager)));
            o.AddPolicy(HqItManager, p => p.RequireAssertion(c => Caller(c) is { } a && a.Has(Role.ItManager) && a.IsAtHq));
            o.AddPolicy(EscalationOperator, p => p.RequireAssertion(c => Caller(c) is { } a
                && (a.Has(Role.Engineer) || a.Has(Role.ItManager) || a.Has(Role.HqEngineer))));
            o.AddPolicy(ReportReader, p => p.RequireAssertion(c => Caller(c) is { } a && (a.Has(Role.ItManager) || a.Has(Role.BusinessApprover))));
            o.AddPolicy(HqSystem, p => p.RequireAssertion(c => Caller(c) is { } a && a.Has(Role.Integration) && a.IsAtHq));
            o.AddPolicy(Integration, p => p.RequireAssertion(c => Caller(c) is { } a && a.Has(Role.Integration)));
            // The line 2 group that serves the item's unit is checked with the unit (InventoryKeepers).
            o.AddPolicy(InventoryKeeper, p => p.RequireAssertion(c => Caller(c) is { } a && (a.Has(Role.ItManager) || a.Has(Role.Engineer))));
        });
    }

    /// <summary>Maps the endpoints of a group or one endpoint to a named policy (authorization and document alike).</summary>
    public static TBuilder Allow<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy).WithMetadata(new AllowedCallers(policy));

    private static Actor? Caller(AuthorizationHandlerContext context) =>
        context.User.Identities.OfType<ActorIdentity>().FirstOrDefault()?.Caller;

    /// <summary>Endpoint metadata naming the policy, read by the OpenAPI document.</summary>
    public sealed record AllowedCallers(string Policy)
    {
        public string Description => Descriptions[Policy];
    }

    /// <summary>A 403 that names who may call the operation, instead of the framework's empty answer.</summary>
    private sealed class PolicyRefusal : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();

        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
        {
            if (result.Forbidden && context.GetEndpoint()?.Metadata.GetOrderedMetadata<AllowedCallers>() is { Count: > 0 } allowed)
                return ProblemResults.Write(context, StatusCodes.Status403Forbidden, "forbidden", "Forbidden",
                    "Allowed callers: " + string.Join(" ", allowed.Select(a => a.Description)));
            return _default.HandleAsync(next, context, policy, result);
        }
    }
}
