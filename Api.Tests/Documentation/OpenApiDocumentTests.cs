using System.Net;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Documentation;

[TestFixture]
public sealed class OpenApiDocumentTests
{
    private ItsmApp _app = null!;

    [OneTimeSetUp]
    public void StartApp() => _app = new ItsmApp();

    [OneTimeTearDown]
    public void StopApp() => _app.Dispose();

    /// <summary>openapi.yaml at the repository root is the served document. Set UPDATE_OPENAPI=1 and run the tests to refresh it.</summary>
    [Test]
    public async Task CommittedOpenApiYaml_EqualsTheServedDocument()
    {
        using var client = _app.As(null);
        var served = Normalize(await client.Http.GetStringAsync("/openapi/v1.yaml"));
        var path = Path.Combine(Repository.Root(), "openapi.yaml");

        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
            await File.WriteAllTextAsync(path, served);

        Assert.That(File.Exists(path), Is.True, "openapi.yaml is missing: run `UPDATE_OPENAPI=1 dotnet test` to write it.");
        var committed = Normalize(await File.ReadAllTextAsync(path));
        Assert.That(committed, Is.EqualTo(served),
            "openapi.yaml differs from the served /openapi/v1.yaml: run `UPDATE_OPENAPI=1 dotnet test` and commit the file.");
    }

    [Test]
    public async Task Document_IsOpenApi31WithTheApiKeySchemeAndEveryAction()
    {
        using var client = _app.As(null);
        var document = JsonNode.Parse(await client.Http.GetStringAsync("/openapi/v1.json"))!;

        Assert.That(document["openapi"]!.GetValue<string>(), Does.StartWith("3.1"));
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.That((scheme["type"]!.GetValue<string>(), scheme["in"]!.GetValue<string>(), scheme["name"]!.GetValue<string>()),
            Is.EqualTo(("apiKey", "header", "X-Api-Key")));
        var paths = document["paths"]!.AsObject();
        foreach (var action in new[] { "triage", "start", "request-approval", "approve", "reject", "hold", "resume", "escalate", "hq-return", "resolve", "confirm", "reopen", "cancel", "reassign" })
        {
            var operation = paths[$"/api/v1/tickets/{{id}}/{action}"]?["post"];
            Assert.That(operation, Is.Not.Null, action);
            Assert.That(operation!["summary"]?.GetValue<string>(), Is.Not.Empty, action);
            var responses = operation["responses"]!.AsObject().Select(r => r.Key);
            Assert.That(responses, Is.SupersetOf(new[] { "200", "400", "401", "403", "404", "409", "412", "422", "428" }), action);
            Assert.That(operation["requestBody"]!["content"]!["application/json"]!["example"], Is.Not.Null, action);
        }
    }

    [Test]
    public async Task Document_DescribesEveryWebhookEvent()
    {
        using var client = _app.As(null);
        var document = JsonNode.Parse(await client.Http.GetStringAsync("/openapi/v1.json"))!;

        var webhooks = document["webhooks"]!.AsObject().Select(w => w.Key);

        Assert.That(webhooks, Is.EquivalentTo(Itsm.Infrastructure.Outbox.TicketEvents.Types));
        Assert.That(document["components"]!["schemas"]!["WebhookEvent"]!["properties"]!["ticket"], Is.Not.Null);
    }

    [Test]
    public async Task SwaggerUi_IsServed()
    {
        using var client = _app.As(null);

        var response = await client.Http.GetAsync("/swagger/index.html");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("swagger-ui"));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";

}
