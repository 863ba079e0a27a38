using System.Collections.Concurrent;
using System.Reflection;
using Itsm.Api.Problems;
using Microsoft.AspNetCore.Mvc;

namespace Itsm.Api.Validation;

/// <summary>
/// Checks enum values in the query string and the route before the framework binds them: its binding takes numbers
/// and comma-joined names, which make values the enum does not define. A value that is not exactly one name is a 400
/// validation problem naming the parameter and the allowed values.
/// </summary>
public static class EnumParameters
{
    private static readonly ConcurrentDictionary<MethodInfo, (string Name, Type Enum)[]> ParametersByHandler = new();

    public static IApplicationBuilder UseStrictEnumParameters(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>() is { } handler)
            foreach (var (name, type) in ParametersByHandler.GetOrAdd(handler, Find))
            {
                // Like the framework: a name in the route template binds from the route, any other from the query.
                string?[] values = context.Request.RouteValues.TryGetValue(name, out var routed) ? [routed?.ToString()]
                    : context.Request.Query.TryGetValue(name, out var queried) ? queried.ToArray() : [];
                // An empty value is an absent one, as the framework binds it.
                if (values.FirstOrDefault(v => !string.IsNullOrEmpty(v) && !StrictEnums.TryParse(type, v, out _)) is { } bad)
                {
                    await ProblemResults.Invalid(name, $"'{bad}' is not one of: {StrictEnums.Allowed(type)}.").ExecuteAsync(context);
                    return;
                }
            }
        await next(context);
    });

    private static (string, Type)[] Find(MethodInfo handler) =>
        handler.GetParameters()
            .Select(p => (Parameter: p, Enum: StrictEnums.EnumOf(p.ParameterType)))
            .Where(p => p.Enum is not null && p.Parameter.GetCustomAttribute<FromBodyAttribute>() is null)
            .Select(p => (p.Parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Parameter.GetCustomAttribute<FromRouteAttribute>()?.Name
                          ?? p.Parameter.Name!, p.Enum!))
            .ToArray();
}
