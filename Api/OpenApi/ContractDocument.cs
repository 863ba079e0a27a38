using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Itsm.Api.OpenApi;

/// <summary>
/// Completes the whole document after every endpoint is described, so that each endpoint added later gets the same
/// contract without its own annotations: servers and licence, tag descriptions, a 4xx on every operation, the headers
/// the service sends (<c>ETag</c>, <c>Location</c>, <c>Retry-After</c>, <c>Link</c>), the typed 409 and 412 problems of ticket
/// changes, and request bodies whose required properties are not nullable.
/// </summary>
public sealed class ContractDocument : IOpenApiDocumentTransformer
{
    public const string ActionNotAllowedProblem = "ActionNotAllowedProblem";
    public const string StaleETagProblem = "StaleETagProblem";
    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Health"] = "Liveness and readiness probes for orchestrators and load balancers; anonymous.",
        ["Tickets"] = "Raise, read and list tickets; their history and comments.",
        ["Ticket actions"] = "One operation per lifecycle action; each needs the ticket's ETag in `If-Match`.",
        ["Service levels"] = "Calendars, SLA policies, the priority matrix, due-time previews and SLA notifications.",
        ["Workflow"] = "The ticket state machine as data: statuses, actions, roles and guards.",
        ["Organisation"] = "Units, support groups, business systems and the caller's own identity.",
        ["Administration"] = "Create units, groups, systems and users, and issue API keys (IT managers, within their scope).",
        ["Webhooks"] = "Subscriptions that receive signed ticket events, and their delivery log.",
        ["Escalation to HQ"] = "Hand-over of tickets to headquarters' system and its signed callbacks; outbox metrics.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" };
        // Relative: the document is served by the API it describes (port 8080 in the container, 5080 with dotnet run).
        document.Servers = [new OpenApiServer { Url = "/", Description = "The service that serves this document" }];
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ActionNotAllowedProblem] = Problem(
            "A ticket action the ticket's status or readiness does not permit (409), with what the caller may do instead.",
            "allowedActions", required: false, new OpenApiSchema
            {
                Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String },
                Description = "The actions the caller may take on the ticket now (as in the ticket's `allowedActions`).",
            });
        document.Components.Schemas[StaleETagProblem] = Problem(
            "The ticket changed since the caller read it (412): GET it again, or retry with `currentETag`.",
            "currentETag", required: true, new OpenApiSchema { Type = JsonSchemaType.String, Description = "The ticket's current ETag, e.g. `\"4\"`." });

        foreach (var (path, item) in document.Paths)
            foreach (var (method, operation) in item.Operations ?? [])
                Complete(document, path, method, operation);
        foreach (var (_, item) in document.Webhooks ?? new Dictionary<string, IOpenApiPathItem>())
            foreach (var (_, operation) in item.Operations ?? [])
                operation.Security = [];
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "", $"Operations on {tag.Name?.ToLowerInvariant()}.");

        foreach (var schema in document.Components.Schemas.Values.OfType<OpenApiSchema>())
        {
            // A nullable use of an enum refers to it beside `type: 'null'`; the enum itself lists only its names.
            if (schema.Enum?.Any(v => v is null) == true)
                schema.Enum = schema.Enum.Where(v => v is not null).ToList();
            if (schema.Enum is { Count: > 0 } && schema.Type is { } type && type.HasFlag(JsonSchemaType.Null))
                schema.Type = type & ~JsonSchemaType.Null;
            if (schema.Metadata?.TryGetValue(ContractSchemas.RequiredNotNull, out var names) == true && names is HashSet<string> mustNotBeNull && schema.Properties is { } properties)
                foreach (var name in mustNotBeNull)
                    if (properties.TryGetValue(name, out var property))
                        properties[name] = WithoutNull(property);
        }

        foreach (var name in RequestSchemas(document))
            if (document.Components.Schemas[name] is OpenApiSchema { Required: { Count: > 0 } required, Properties: { } properties })
                // Only [Required] properties must be sent (their null was removed); a nullable one may be left out.
                foreach (var property in required.ToList())
                    if (properties.TryGetValue(property, out var schema) && IsNullable(schema))
                        required.Remove(property);
        return Task.CompletedTask;
    }

    private static void Complete(OpenApiDocument document, string path, HttpMethod method, OpenApiOperation operation)
    {
        // Endpoints should name and summarise themselves; these keep the document valid for generators when one does not.
        operation.OperationId ??= string.Concat(method.Method[..1] + method.Method[1..].ToLowerInvariant(),
            string.Concat(path.Split('/', '-', '{', '}').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..])));
        operation.Summary ??= $"{method.Method} {path}";
        var responses = operation.Responses ??= new OpenApiResponses();
        var changesTicket = operation.Parameters?.Any(p => p.Name == "If-Match") == true;
        var idempotent = operation.Parameters?.Any(p => p.Name == "Idempotency-Key") == true;

        // Throttling of failed authentications applies to every request from a client address; rate limits to every caller.
        Ensure(responses, "429", "Too many requests from this caller or client address: wait `Retry-After` seconds.");
        if (path.StartsWith("/api/", StringComparison.Ordinal))
            Ensure(responses, "503", "The database is unavailable: nothing was changed; retry after `Retry-After` seconds.");
        if (idempotent)
            Ensure(responses, "409", "Conflict (also: a request with this Idempotency-Key is still in progress; retry after `Retry-After`).");

        foreach (var (status, response) in responses)
        {
            if (response is not OpenApiResponse concrete) continue;
            if (status is "429" or "503" || (status == "409" && idempotent))
                Header(concrete, "Retry-After", "Seconds to wait before trying again.", JsonSchemaType.Integer);
            if (status == "201" || (status == "200" && method == HttpMethod.Post && responses.ContainsKey("201")))
                Header(concrete, "Location", "The URL of the created (or already existing) resource.", JsonSchemaType.String);
            if ((status.StartsWith('2') && Refers(concrete, "TicketResponse")) || (status == "412" && changesTicket))
                Header(concrete, "ETag", "The ticket's current version as a strong ETag, e.g. `\"3\"`: send it in `If-Match` to change the ticket.", JsonSchemaType.String);
            if (status == "200" && concrete.Content?.Values.Any(m => m.Schema is OpenApiSchemaReference r && r.Reference.Id?.EndsWith("Page", StringComparison.Ordinal) == true) == true)
                Header(concrete, "Link", "On every page but the last, `<…?cursor=…>; rel=\"next\"` (RFC 8288): this request for the next page, other query parameters kept.", JsonSchemaType.String);
            if (changesTicket && status is "409" or "412")
                foreach (var (_, media) in concrete.Content ?? new Dictionary<string, OpenApiMediaType>())
                    media.Schema = new OpenApiSchemaReference(status == "409" ? ActionNotAllowedProblem : StaleETagProblem, document);
        }
    }

    private static void Ensure(OpenApiResponses responses, string status, string description)
    {
        if (responses.ContainsKey(status)) return;
        responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = new OpenApiSchemaReference("ProblemDetails") } },
        };
    }

    private static void Header(OpenApiResponse response, string name, string description, JsonSchemaType type)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = type } };
    }

    private static bool Refers(OpenApiResponse response, string schemaName) =>
        response.Content?.Values.Any(m => m.Schema is OpenApiSchemaReference r && r.Reference.Id == schemaName) == true;

    /// <param name="required">Whether every such problem carries the extension (a 409 for an Idempotency-Key in flight does not list actions).</param>
    private static OpenApiSchema Problem(string description, string extension, bool required, OpenApiSchema extensionSchema)
    {
        var nullableString = () => new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = description + " An RFC 9457 problem with its extension member.",
            Required = required ? new HashSet<string> { "type", "title", "status", extension } : new HashSet<string> { "type", "title", "status" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = nullableString(),
                ["instance"] = nullableString(),
                [extension] = extensionSchema,
            },
        };
    }

    /// <summary>The component schemas a request body uses, directly or through its properties and items.</summary>
    private static HashSet<string> RequestSchemas(OpenApiDocument document)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<IOpenApiSchema>();
        foreach (var item in document.Paths.Values)
            foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
                foreach (var media in operation.RequestBody?.Content?.Values ?? [])
                    if (media.Schema is { } schema) pending.Push(schema);
        while (pending.TryPop(out var schema))
        {
            if (schema is OpenApiSchemaReference reference)
            {
                if (reference.Reference.Id is { } id && found.Add(id) && document.Components?.Schemas?.TryGetValue(id, out var target) == true)
                    pending.Push(target);
                continue;
            }
            foreach (var child in (schema.Properties?.Values ?? []).Concat(schema.OneOf ?? []).Concat(schema.AllOf ?? []).Concat(schema.AnyOf ?? []))
                pending.Push(child);
            if (schema.Items is { } items) pending.Push(items);
        }
        return found;
    }

    private static bool IsNullable(IOpenApiSchema schema) =>
        schema.Type?.HasFlag(JsonSchemaType.Null) == true || schema.OneOf?.Any(s => s.Type == JsonSchemaType.Null) == true;

    /// <summary>The schema without its <c>null</c> alternative.</summary>
    public static IOpenApiSchema WithoutNull(IOpenApiSchema schema)
    {
        if (schema is not OpenApiSchema concrete) return schema;
        if (concrete.Type is { } type && type.HasFlag(JsonSchemaType.Null) && type != JsonSchemaType.Null)
        {
            concrete.Type = type & ~JsonSchemaType.Null;
            return concrete;
        }
        if (concrete.OneOf is { Count: 2 } oneOf && oneOf.Count(s => s.Type == JsonSchemaType.Null) == 1)
        {
            var other = oneOf.First(s => s.Type != JsonSchemaType.Null);
            if (other is OpenApiSchemaReference reference && concrete.Description is { } description) reference.Description = description;
            return other;
        }
        return concrete;
    }
}
