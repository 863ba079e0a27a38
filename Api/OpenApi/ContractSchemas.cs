using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Itsm.Api.OpenApi;

/// <summary>
/// Schema fixes that code generators need: enums say they are strings, and a property marked <c>[Required]</c> is not
/// nullable on the wire (it is declared <c>T?</c> in C# only so that a missing value fails validation instead of
/// defaulting).
/// </summary>
internal sealed class ContractSchemas : IOpenApiSchemaTransformer
{
    /// <summary>Metadata (not serialised): the names of the schema's <c>[Required]</c> properties.</summary>
    public const string RequiredNotNull = "itsm:required-not-null";

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type.IsEnum && schema.Enum is { Count: > 0 } && !schema.Type.HasValue)
            schema.Type = JsonSchemaType.String;

        // The generator wraps nullable references in `oneOf` only after this runs, so the document transformer removes the null.
        var required = context.JsonTypeInfo.Properties
            .Where(p => p.AttributeProvider?.GetCustomAttributes(typeof(RequiredAttribute), inherit: true).Length > 0)
            .Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        if (schema.Properties is { Count: > 0 } && required.Count > 0)
        {
            schema.Metadata ??= new Dictionary<string, object>();
            schema.Metadata[RequiredNotNull] = required;
        }
        return Task.CompletedTask;
    }
}
