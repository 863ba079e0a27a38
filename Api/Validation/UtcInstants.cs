using System.Text.Json;
using System.Text.Json.Serialization;

namespace Itsm.Api.Validation;

/// <summary>
/// An instant without an offset in a request body means UTC, as in the CSV import and in query parameters. The serializer's
/// own reading takes such text as the server's local time, so the same request would mean another instant on another host.
/// Anything not ISO 8601 is still refused; instants are written as before.
/// </summary>
public sealed class UtcInstantConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // TryGetDateTime takes the same ISO 8601 forms as GetDateTimeOffset and says whether an offset was written.
        if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTime(out var at) && at.Kind == DateTimeKind.Unspecified)
            return new DateTimeOffset(at, TimeSpan.Zero);
        return reader.GetDateTimeOffset();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

public static class UtcInstantSetup
{
    /// <summary>Reads offset-less instants in request bodies as UTC (see <see cref="UtcInstantConverter"/>).</summary>
    public static IServiceCollection AddUtcInstants(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new UtcInstantConverter()));
        // The document generator describes only its own converters: without this an instant would lose `type: string`.
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(OpenApi.OpenApiSetup.DocumentName, o => o.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            if (type != typeof(DateTimeOffset) && type != typeof(DateTimeOffset?)) return Task.CompletedTask;
            // As the generator writes them itself: a nullable property may be null; a query parameter is a string.
            schema.Type = type == typeof(DateTimeOffset?) && context.JsonPropertyInfo is not null
                ? Microsoft.OpenApi.JsonSchemaType.String | Microsoft.OpenApi.JsonSchemaType.Null
                : Microsoft.OpenApi.JsonSchemaType.String;
            schema.Format = "date-time";
            return Task.CompletedTask;
        }));
        return services;
    }
}
