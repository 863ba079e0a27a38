using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Configuration;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Accounts;

/// <summary>
/// A null where the inventory's and the register's requests expect an item or a value is a 400 naming the field, never a 500,
/// and changes nothing.
/// </summary>
[TestFixture]
public sealed class NullInputTests
{
    private ItsmApp _app = null!;
    private Given _given = null!;
    private TicketClient _integration = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _given = new Given(_app = new ItsmApp());
        _integration = _app.As(Keys.HqIntegration);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _integration.Dispose();
        _given.Dispose();
        _app.Dispose();
    }

    private async Task<TicketResponse> ApprovedAsync(Category category)
    {
        var pending = await _given.TicketIn(TicketStatus.PendingApproval, category, "Null items");
        return await _given.Approver.ActOkAsync(pending.Id, "approve", new { comment = "Go ahead" });
    }

    private static async Task ExpectNamedAsync(HttpResponseMessage response, string field)
    {
        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        var named = problem["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];
        Assert.That(named.Any(k => k.Equals(field, StringComparison.OrdinalIgnoreCase)) || problem["detail"]!.GetValue<string>().Contains(field),
            Is.True, problem.ToJsonString());
    }

    private const string Resolution = "\"code\":\"ChangeImplemented\",\"resolution\":\"Done\",\"testResult\":\"Checked\"";

    [TestCase(Category.AccountPermission, "\"accountChanges\":[null]", "accountChanges[0]")]
    [TestCase(Category.AccountPermission, "\"accountChanges\":[{\"login\":\"js001\",\"op\":\"Disable\"},null]", "accountChanges[1]")]
    [TestCase(Category.AccountPermission, "\"accountChanges\":[{\"login\":null,\"op\":\"Disable\"}]", "accountChanges[0].login")]
    [TestCase(Category.AccountPermission, "\"accountChanges\":[{\"login\":\"js001\",\"op\":null}]", "accountChanges[0].op")]
    [TestCase(Category.ConfigurationChange, "\"inventory\":[null],\"manualsUpdated\":true", "inventory[0]")]
    [TestCase(Category.ConfigurationChange, "\"inventory\":[{\"key\":\"a.b\",\"environment\":\"Production\",\"value\":\"1\"},null],\"manualsUpdated\":true",
        "inventory[1]")]
    [TestCase(Category.ConfigurationChange, "\"inventory\":[{\"key\":\"a.b\",\"environment\":\"Production\",\"value\":null}],\"manualsUpdated\":true",
        "inventory[0].value")]
    [TestCase(Category.ConfigurationChange, "\"inventory\":[{\"key\":null,\"environment\":\"Production\",\"value\":\"1\"}],\"manualsUpdated\":true",
        "inventory[0].key")]
    public async Task Resolve_WithANullInAList_Is400NamingIt_AndChangesNothing(Category category, string part, string field)
    {
        var ticket = await ApprovedAsync(category);

        var response = await _given.Engineer.PostJsonTextAsync($"/api/v1/tickets/{ticket.Id}/resolve", "{" + Resolution + "," + part + "}",
            $"\"{ticket.Version}\"");

        await ExpectNamedAsync(response, field);
        var after = await _given.Engineer.GetAsync(ticket.Id);
        Assert.That(after.Headers.ETag!.Tag, Is.EqualTo($"\"{ticket.Version}\""));
        var js001 = await Register.GetAsync(_given.ItManager, "ERP", "js001");
        Assert.That(js001["account"]!["status"]!.GetValue<string>(), Is.EqualTo("Active"));
    }

    [TestCase("[null]", "body[0]")]
    [TestCase("[{\"login\":\"js001\",\"lastUsedAt\":\"2026-11-01T00:00:00Z\"},null]", "body[1]")]
    [TestCase("[{\"login\":null,\"lastUsedAt\":\"2026-11-01T00:00:00Z\"}]", "body[0].login")]
    [TestCase("[{\"login\":\"js001\",\"lastUsedAt\":null}]", "body[0].lastUsedAt")]
    [TestCase("null", "body")]
    public async Task ReportUse_WithANull_Is400NamingIt_AndChangesNothing(string body, string field)
    {
        var before = (await Register.GetAsync(_given.ItManager, "ERP", "js001")).ToJsonString();

        var response = await _integration.PostJsonTextAsync("/api/v1/systems/ERP/accounts:last-used", body);

        await ExpectNamedAsync(response, field);
        Assert.That((await Register.GetAsync(_given.ItManager, "ERP", "js001")).ToJsonString(), Is.EqualTo(before));
    }

    [TestCase("null", "body")]
    [TestCase("{\"key\":null,\"environment\":\"Production\",\"value\":\"1\"}", "key")]
    [TestCase("{\"key\":\"null.value\",\"environment\":\"Production\",\"value\":null}", "value")]
    [TestCase("{\"key\":\"null.env\",\"environment\":null,\"value\":\"1\"}", "environment")]
    public async Task CreateItem_WithANull_Is400NamingIt_AndChangesNothing(string body, string field)
    {
        var before = (await _given.ItManager.GetJsonAsync($"{Inventory.Items("ERP")}?limit=200")).ToJsonString();

        var response = await _given.ItManager.PostJsonTextAsync(Inventory.Items("ERP"), body);

        await ExpectNamedAsync(response, field);
        Assert.That((await _given.ItManager.GetJsonAsync($"{Inventory.Items("ERP")}?limit=200")).ToJsonString(), Is.EqualTo(before));
    }

    [TestCase("null", "body")]
    [TestCase("{\"system\":null,\"dueBy\":\"2027-01-01T00:00:00Z\"}", "system")]
    [TestCase("{\"system\":\"ERP\",\"dueBy\":null}", "dueBy")]
    public async Task OpenReview_WithANull_Is400NamingIt_AndOpensNone(string body, string field)
    {
        var before = (await _given.ItManager.GetJsonAsync("/api/v1/access-reviews")).ToJsonString();

        var response = await _given.ItManager.PostJsonTextAsync("/api/v1/access-reviews", body);

        await ExpectNamedAsync(response, field);
        Assert.That((await _given.ItManager.GetJsonAsync("/api/v1/access-reviews")).ToJsonString(), Is.EqualTo(before));
    }

    [TestCase("null", "body")]
    [TestCase("{\"decision\":null}", "decision")]
    public async Task Decide_WithANull_Is400NamingIt_AndDecidesNothing(string body, string field)
    {
        var opened = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/access-reviews",
            new { system = "ERP", unit = "JS-NJ", dueBy = _app.Clock.GetUtcNow().AddDays(14) });
        await TicketClient.ExpectAsync(opened, HttpStatusCode.Created);
        var id = JsonNode.Parse(await opened.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
        using var approver = _app.As(Keys.JsApprover);

        var response = await approver.PostJsonTextAsync($"/api/v1/access-reviews/{id}/items/js003", body);

        await ExpectNamedAsync(response, field);
        var review = await _given.ItManager.GetJsonAsync($"/api/v1/access-reviews/{id}");
        Assert.That(review["decided"]!.GetValue<int>(), Is.EqualTo(0));
    }
}
