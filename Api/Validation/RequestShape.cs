using System.Collections;
using System.Reflection;
using Itsm.Api.Problems;

namespace Itsm.Api.Validation;

/// <summary>
/// Lists in a request body hold items, never null (<c>"cells": [null]</c>), at any depth: checked once the body is bound,
/// before a handler relies on it. A 400 validation problem names the item.
/// </summary>
public static class RequestShape
{
    private const int MaxDepth = 8;

    public static TBuilder RequireItemsInLists<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            foreach (var argument in context.Arguments)
                if (argument is not null && IsContract(argument.GetType()) && FindNullItem(argument, "", 0) is { } field)
                    return ProblemResults.Invalid(field, "a list holds null where an item is expected.");
            return await next(context);
        });

    /// <summary>Our request records (not services, which handlers also receive as arguments).</summary>
    private static bool IsContract(Type type) =>
        type.Namespace?.StartsWith("Itsm.", StringComparison.Ordinal) == true && type.GetMethod("<Clone>$") is not null;

    private static string? FindNullItem(object value, string path, int depth)
    {
        if (depth > MaxDepth) return null;
        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
                if (Check(entry.Value, Join(path, entry.Key.ToString()!), depth) is { } found) return found;
            return null;
        }
        if (value is IEnumerable items and not string)
        {
            var i = 0;
            foreach (var item in items)
            {
                if (item is null) return $"{path}[{i}]";
                if (item is not KeyValuePair<string, object> && IsWalkable(item) && FindNullItem(item, $"{path}[{i}]", depth + 1) is { } found) return found;
                i++;
            }
            return null;
        }
        if (!IsContract(value.GetType())) return null;
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            if (property.GetValue(value) is { } child && IsWalkable(child)
                && FindNullItem(child, Join(path, Camel(property.Name)), depth + 1) is { } found) return found;
        }
        return null;
    }

    /// <summary>A dictionary's value: a null list (<c>"monday": null</c>) is as wrong as a null item.</summary>
    private static string? Check(object? value, string path, int depth) =>
        value is null ? path : IsWalkable(value) ? FindNullItem(value, path, depth + 1) : null;

    private static bool IsWalkable(object value) => value is IEnumerable and not string || IsContract(value.GetType());

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
