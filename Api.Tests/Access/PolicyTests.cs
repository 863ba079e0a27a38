using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Access;

/// <summary>Who may call what is declared by named policies where the routes are mapped, and the document shows it.</summary>
public sealed class PolicyTests : ApiFixture
{
    private static readonly (string Method, string Path, string OperationId, string Policy)[] Guarded =
    [
        ("put", "/api/v1/sla/policies", "PutSlaPolicy", "HqItManager"),
        ("put", "/api/v1/calendars/{code}", "PutCalendar", "HqItManager"),
        ("put", "/api/v1/priority-matrix", "PutPriorityMatrix", "HqItManager"),
        ("post", "/api/v1/admin/users", "CreateUser", "ItManager"),
        ("get", "/api/v1/webhooks", "ListWebhooks", "ItManager"),
        ("get", "/api/v1/integrations/outbox", "GetOutboxMetrics", "ItManager"),
        ("post", "/api/v1/tickets/{id}/escalation/retry", "RetryEscalation", "EscalationOperator"),
        ("post", "/api/v1/integrations/hq/events", "ReceiveHqEvent", "HqSystem"),
    ];

    [Test]
    public async Task Document_EveryGuardedOperation_NamesItsPolicyAndDeclares403()
    {
        using var client = _app.As(null);
        var document = JsonNode.Parse(await client.Http.GetStringAsync("/openapi/v1.json"))!;

        foreach (var (method, path, operationId, policy) in Guarded)
        {
            var operation = document["paths"]![path]![method]!;
            Assert.That(operation["operationId"]!.GetValue<string>(), Is.EqualTo(operationId));
            Assert.That(operation["x-itsm-policy"]?.GetValue<string>(), Is.EqualTo(policy), $"{method} {path}");
            Assert.That(operation["description"]!.GetValue<string>(), Does.StartWith("**Allowed callers:**"), $"{method} {path}");
            Assert.That(operation["responses"]!["403"], Is.Not.Null, $"{method} {path}");
        }
    }

    [Test]
    public async Task ProvincialItManager_ChangingCompanyWideSettings_Gets403NamingTheAllowedCallers()
    {
        using var js = _app.As(Keys.JsItManager);

        var response = await js.Http.PutAsJsonAsync("/api/v1/priority-matrix", new { cells = Array.Empty<object>() });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("Headquarters' IT managers"));
    }

    [TestCase(Keys.JsRequester, "/api/v1/webhooks")]
    [TestCase(Keys.JsEngineer, "/api/v1/admin/api-keys/unknown")]
    [TestCase(Keys.JsServiceDesk, "/api/v1/integrations/outbox")]
    public async Task CallerWithoutTheRole_Gets403BeforeTheHandlerRuns(string key, string path)
    {
        using var caller = _app.As(key);

        var response = path.Contains("api-keys") ? await caller.Http.DeleteAsync(path) : await caller.Http.GetAsync(path);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("IT managers"));
    }

    [Test]
    public async Task HqEngineer_SendingHqEvents_Gets403()
    {
        using var engineer = _app.As(Keys.HqEngineer);

        var response = await engineer.Http.PostAsJsonAsync("/api/v1/integrations/hq/events", new { type = "acknowledged", escalationId = "x" });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("HQ system"));
    }
}
