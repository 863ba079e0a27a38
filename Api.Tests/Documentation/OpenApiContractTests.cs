using System.Net;
using System.Text.Json.Nodes;
using Itsm.Api.OpenApi;
using Itsm.Api.Tests.Setup;
using Microsoft.OpenApi;

namespace Itsm.Api.Tests.Documentation;

/// <summary>What code generators (NSwag, Kiota) and linters need from the served document, checked on every operation.</summary>
[TestFixture]
public sealed class OpenApiContractTests
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private ItsmApp _app = null!;
    private JsonNode _document = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        _app = new ItsmApp();
        using var client = _app.As(null);
        _document = JsonNode.Parse(await client.Http.GetStringAsync("/openapi/v1.json"))!;
    }

    [OneTimeTearDown]
    public void StopApp() => _app.Dispose();

    [Test]
    public void Schemas_IntegersAreNeverAlsoStrings()
    {
        var mixed = Schemas(_document).Where(s => Types(s).Contains("integer") && Types(s).Contains("string")).Select(s => s.GetPath()).ToList();

        Assert.That(mixed, Is.Empty);
    }

    [Test]
    public void Schemas_EveryEnumDeclaresItsType()
    {
        var untyped = Schemas(_document).Where(s => s["enum"] is JsonArray && Types(s).Count == 0).Select(s => s.GetPath()).ToList();

        Assert.That(untyped, Is.Empty);
        Assert.That(Types(_document["components"]!["schemas"]!["TicketStatus"]!), Is.EqualTo(new[] { "string" }));
    }

    [Test]
    public void RequestBodies_RequiredPropertiesAreNotNullable()
    {
        var schemas = _document["components"]!["schemas"]!.AsObject();
        var nullable = new List<string>();
        foreach (var name in RequestSchemaNames())
        {
            var schema = schemas[name]!;
            foreach (var required in schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
            {
                var property = schema["properties"]![required]!;
                if (Types(property).Contains("null") || property["oneOf"]?.AsArray().Any(o => Types(o!).Contains("null")) == true)
                    nullable.Add($"{name}.{required}");
            }
        }

        Assert.That(RequestSchemaNames(), Does.Contain("CreateTicketRequest"));
        Assert.That(nullable, Is.Empty);
        var create = schemas["CreateTicketRequest"]!;
        Assert.That(create["required"]!.AsArray().Select(r => r!.GetValue<string>()), Is.SupersetOf(new[] { "category", "impact", "urgency" }));
        Assert.That(create["properties"]!["category"]!["$ref"]!.GetValue<string>(), Is.EqualTo("#/components/schemas/Category"));
    }

    /// <summary>Still strings in this branch: delivery and escalation states (store rows that become enums with the vocabulary
    /// work), HQ's event outcome and the health answer (both being reworked).</summary>
    private static readonly string[] StatesNotYetEnums = ["WebhookDelivery.state", "HqEscalation.state", "HqEventOutcome.status", "HealthResponse.status"];

    [Test]
    public void Schemas_StateAndStatusFieldsAreEnums()
    {
        var schemas = _document["components"]!["schemas"]!.AsObject();
        var strings = new List<string>();
        foreach (var (name, schema) in schemas)
            foreach (var (property, propertySchema) in Properties(schema!, name))
                if (property.EndsWith("state", StringComparison.OrdinalIgnoreCase) || (property.EndsWith("status", StringComparison.OrdinalIgnoreCase) && !name.Contains("Problem")))
                    if (!Types(propertySchema).Contains("integer") && !IsEnum(propertySchema, schemas)) strings.Add(property);

        Assert.That(strings.Except(StatesNotYetEnums), Is.Empty);
        Assert.That(schemas["WebhookEvent"]!["properties"]!["ticket"]!["properties"]!["status"]!["$ref"]!.GetValue<string>(),
            Is.EqualTo("#/components/schemas/TicketStatus"));
    }

    [Test]
    public void Operations_EachHasAnIdA4xxAndDeclaredSecurity()
    {
        foreach (var (path, method, operation) in Operations())
        {
            Assert.That(operation["operationId"]?.GetValue<string>(), Is.Not.Empty, $"{method} {path}");
            Assert.That(operation["responses"]!.AsObject().Select(r => r.Key), Has.Some.StartsWith("4"), $"{method} {path}");
            Assert.That(operation["security"], Is.Not.Null, $"{method} {path}");
        }
        Assert.That(_document["paths"]!["/health/live"]!["get"]!["security"]!.AsArray(), Is.Empty);
        Assert.That(_document["servers"]!.AsArray(), Is.Not.Empty);
        Assert.That(_document["info"]!["license"]!["name"], Is.Not.Null);
        Assert.That(_document["tags"]!.AsArray().Select(t => t!["description"]?.GetValue<string>()), Has.All.Not.Empty);
    }

    [Test]
    public void TicketChanges_DeclareETagAndTheTyped409And412Problems()
    {
        var triage = _document["paths"]!["/api/v1/tickets/{id}/triage"]!["post"]!["responses"]!;

        Assert.That(triage["200"]!["headers"]!["ETag"], Is.Not.Null);
        Assert.That(triage["412"]!["headers"]!["ETag"], Is.Not.Null);
        Assert.That(SchemaRef(triage["409"]!), Is.EqualTo("#/components/schemas/ActionNotAllowedProblem"));
        Assert.That(SchemaRef(triage["412"]!), Is.EqualTo("#/components/schemas/StaleETagProblem"));
        var schemas = _document["components"]!["schemas"]!;
        Assert.That(schemas["ActionNotAllowedProblem"]!["properties"]!["allowedActions"]!["type"]!.GetValue<string>(), Is.EqualTo("array"));
        Assert.That(schemas["StaleETagProblem"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()), Does.Contain("currentETag"));
        Assert.That(_document["paths"]!["/api/v1/tickets/{id}"]!["get"]!["responses"]!["200"]!["headers"]!["ETag"], Is.Not.Null);
    }

    [Test]
    public void Responses_DeclareLocationOnEvery201AndRetryAfterOnEvery429And503()
    {
        foreach (var (path, method, operation) in Operations())
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                if (status == "201") Assert.That(response!["headers"]?["Location"], Is.Not.Null, $"{method} {path} {status}");
                if (status is "429" or "503") Assert.That(response!["headers"]?["Retry-After"], Is.Not.Null, $"{method} {path} {status}");
            }
        Assert.That(_document["paths"]!["/api/v1/tickets"]!["post"]!["responses"]!["201"]!["headers"]!["Location"], Is.Not.Null);
    }

    [Test]
    public async Task ContractDocument_AnEndpointWithoutAnnotations_GetsAnIdASummaryAnd4xxAndRetryAfter()
    {
        var operation = new OpenApiOperation { Responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = "OK" } } };
        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo { Title = "t", Version = "v1" },
            Paths = new OpenApiPaths { ["/api/v1/tickets/{id}/watchers"] = new OpenApiPathItem { Operations = new() { [HttpMethod.Get] = operation } } },
        };

        await new ContractDocument().TransformAsync(document, null!, CancellationToken.None);

        Assert.That(operation.OperationId, Is.EqualTo("GetApiV1TicketsIdWatchers"));
        Assert.That(operation.Summary, Is.Not.Empty);
        Assert.That(operation.Responses.Keys, Has.Some.StartsWith("4"));
        Assert.That(((OpenApiResponse)operation.Responses["503"]).Headers!.Keys, Does.Contain("Retry-After"));
    }

    [Test]
    public async Task Confirm_SatisfactionSentAsAString_Is400()
    {
        using var requester = _app.As(Keys.JsRequester);
        var ticket = await requester.CreateAsync();

        var response = await requester.PostJsonTextAsync($"/api/v1/tickets/{ticket.Id}/confirm", """{"satisfaction": "5"}""", $"\"{ticket.Version}\"");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    private IEnumerable<(string Path, string Method, JsonNode Operation)> Operations() =>
        from path in _document["paths"]!.AsObject()
        from method in Methods
        let operation = path.Value![method]
        where operation is not null
        select (path.Key, method, operation);

    private HashSet<string> RequestSchemaNames()
    {
        var names = new HashSet<string>();
        var pending = new Stack<JsonNode>(Operations().Select(o => o.Operation["requestBody"]).OfType<JsonNode>());
        while (pending.TryPop(out var node))
        {
            if (node is JsonObject obj)
            {
                if (obj["$ref"]?.GetValue<string>() is { } reference && names.Add(reference.Split('/')[^1]))
                    pending.Push(_document["components"]!["schemas"]![reference.Split('/')[^1]]!);
                foreach (var (_, child) in obj) if (child is not null) pending.Push(child);
            }
            else if (node is JsonArray array)
                foreach (var child in array) if (child is not null) pending.Push(child);
        }
        return names;
    }

    /// <summary>The properties of a schema and of the objects inline in it, named <c>Schema.property</c>.</summary>
    private static IEnumerable<(string Name, JsonNode Schema)> Properties(JsonNode schema, string prefix)
    {
        foreach (var (property, child) in schema["properties"]?.AsObject() ?? [])
        {
            if (child is null) continue;
            yield return ($"{prefix}.{property}", child);
            foreach (var nested in Properties(child, $"{prefix}.{property}")) yield return nested;
        }
    }

    private static bool IsEnum(JsonNode schema, JsonObject schemas)
    {
        if (schema["enum"] is JsonArray) return true;
        if (schema["$ref"]?.GetValue<string>() is { } reference) return IsEnum(schemas[reference.Split('/')[^1]]!, schemas);
        return schema["oneOf"] is JsonArray oneOf && oneOf.Any(o => o!["$ref"] is not null && IsEnum(o, schemas));
    }

    private static string? SchemaRef(JsonNode response) => response["content"]!["application/problem+json"]!["schema"]!["$ref"]?.GetValue<string>();

    private static List<string> Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };

    /// <summary>Every object that is a schema: components and everything under a <c>schema</c> key, recursively.</summary>
    private static IEnumerable<JsonNode> Schemas(JsonNode document)
    {
        var pending = new Stack<JsonNode>([document]);
        while (pending.TryPop(out var node))
        {
            if (node is JsonObject obj)
            {
                if (obj.ContainsKey("type") || obj.ContainsKey("enum")) yield return obj;
                foreach (var (key, child) in obj)
                    if (child is not null && key is not "example" and not "examples") pending.Push(child);
            }
            else if (node is JsonArray array)
                foreach (var child in array) if (child is not null) pending.Push(child);
        }
    }
}
