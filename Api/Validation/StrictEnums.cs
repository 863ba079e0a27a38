using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Itsm.Api.Validation;

/// <summary>
/// An enum value in a request is exactly one of its names (case-insensitive). The framework's converter also takes
/// numbers and comma-joined names ("DataChange,ApplicationProblem"), which make values the enum does not define.
/// </summary>
public static class StrictEnums
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, FrozenDictionary<string, object>> NamesByType = new();

    /// <summary>The enum's names, to parse exactly and to list in problems.</summary>
    public static FrozenDictionary<string, object> Names(Type enumType) => NamesByType.GetOrAdd(enumType, t =>
        Enum.GetNames(t).ToFrozenDictionary(n => n, n => Enum.Parse(t, n), StringComparer.OrdinalIgnoreCase));

    public static string Allowed(Type enumType) => string.Join(", ", Enum.GetNames(enumType));

    public static bool TryParse(Type enumType, string? text, out object? value)
    {
        value = null;
        return text is not null && Names(enumType).TryGetValue(text, out value);
    }

    /// <summary>The enum a parameter or property holds: itself, the T of T?, or the element of an array or list of either.</summary>
    public static Type? EnumOf(Type type)
    {
        var element = type.IsArray ? type.GetElementType()! : type.IsGenericType && type.GetGenericArguments().Length == 1
            && typeof(IEnumerable<>).MakeGenericType(type.GetGenericArguments()[0]).IsAssignableFrom(type) && type != typeof(string)
            ? type.GetGenericArguments()[0] : type;
        element = Nullable.GetUnderlyingType(element) ?? element;
        return element.IsEnum ? element : null;
    }
}

/// <summary>Thrown while reading a body: the value is not one of the enum's names. Becomes a validation problem.</summary>
public sealed class UndefinedEnumValueException(Type enumType, string? value)
    : JsonException($"'{value}' is not one of: {StrictEnums.Allowed(enumType)}.")
{
    public Type EnumType { get; } = enumType;
}

/// <summary>Reads and writes enums as their names, refusing anything else (see <see cref="StrictEnums"/>).</summary>
public sealed class StrictEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class StrictEnumConverter<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            if (StrictEnums.TryParse(typeof(T), text, out var value)) return (T)value!;
            throw new UndefinedEnumValueException(typeof(T), text ?? DescribeToken(ref reader));
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            if (StrictEnums.TryParse(typeof(T), text, out var value)) return (T)value!;
            throw new UndefinedEnumValueException(typeof(T), text);
        }

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value.ToString());

        private static string DescribeToken(ref Utf8JsonReader reader) => reader.TokenType switch
        {
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => "null",
            _ => reader.TokenType.ToString(),
        };
    }
}

/// <summary>Registers the strict enum converter for request and response bodies, and describes enums in the OpenAPI document.</summary>
public static class StrictEnumSetup
{
    public static IServiceCollection AddStrictEnums(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new StrictEnumConverterFactory()));
        // The document generator describes only its own enum converter; this one's values are the enum's names.
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(OpenApi.OpenApiSetup.DocumentName, o => o.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            if (type.IsEnum)
            {
                schema.Type = Microsoft.OpenApi.JsonSchemaType.String;
                schema.Enum = Names(type);
            }
            else if (Nullable.GetUnderlyingType(type) is { IsEnum: true } underlying && schema.Enum is not { Count: > 0 }
                     && schema.OneOf is not { Count: > 0 })
            {
                schema.Type = Microsoft.OpenApi.JsonSchemaType.String | Microsoft.OpenApi.JsonSchemaType.Null;
                schema.Enum = [.. Names(underlying), null!];
            }
            else if (schema.Items is null && StrictEnums.EnumOf(type) is { } element && type != element && Nullable.GetUnderlyingType(type) is null)
                schema.Items = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Enum = Names(element) };
            return Task.CompletedTask;
        }));
        return services;
    }

    private static List<System.Text.Json.Nodes.JsonNode> Names(Type enumType) =>
        Enum.GetNames(enumType).Select(n => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(n)).ToList();
}
