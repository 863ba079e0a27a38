using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Admin;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Admin;

/// <summary>A new installation without demo data: the first key from bootstrap-admin, then the organisation through the API.</summary>
[TestFixture]
public sealed class AdministrationTests
{
    private ItsmApp _app = null!;
    private string _adminKey = "";

    [OneTimeSetUp]
    public async Task BootstrapAnEmptyInstallation()
    {
        _app = new ItsmApp(new Dictionary<string, string?> { ["Database:SeedDemoData"] = "false", ["Auth:KeyCacheSeconds"] = "0" });
        _app.CreateClient().Dispose();
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.That(await AdminBootstrap.RunAsync(_app.Services, ["bootstrap-admin", "--unit", "HQ", "--user", "hq-admin", "--name", "Zhang Wei"]), Is.EqualTo(0));
        }
        finally
        {
            Console.SetOut(console);
        }
        _adminKey = output.ToString().Split("shown once: ")[1].Trim();
    }

    [OneTimeTearDown]
    public void StopApp() => _app.Dispose();

    [Test, Order(1)]
    public async Task BootstrapKey_BelongsToAnItManagerAtTheRoot()
    {
        using var admin = _app.As(_adminKey);

        var me = await admin.GetJsonAsync("/api/v1/me");

        Assert.That((me["id"]!.GetValue<string>(), me["unit"]!.GetValue<string>(), me["unitPath"]!.GetValue<string>()), Is.EqualTo(("hq-admin", "HQ", "/HQ/")));
        Assert.That(me["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "ItManager" }));
        Assert.That(_adminKey, Does.StartWith("itsm_").And.Length.GreaterThan(40));
    }

    [Test, Order(2)]
    public async Task Organisation_BuiltThroughTheApi_TakesTickets()
    {
        using var admin = _app.As(_adminKey);
        await Created(admin, "units", new { id = "AH", name = "Anhui Provincial Company", parent = "HQ" });
        await Created(admin, "groups", new { id = "AH-L1", name = "Anhui service desk", unit = "AH", line = "Line1" });
        await Created(admin, "groups", new { id = "AH-L2BIZ", name = "Anhui business O&M", unit = "AH", line = "Line2Business" });
        await Created(admin, "departments", new { code = "AH-GO", name = "General Office", unit = "AH" });
        await Created(admin, "systems", new { id = "AH-OA", name = "Office automation", unit = "AH", ownerDepartment = "AH-GO" });
        await Created(admin, "users", new { id = "ah-desk", name = "Li Na", unit = "AH", roles = new[] { "ServiceDesk", "Requester" }, groups = new[] { "AH-L1" } });
        await Created(admin, "users", new { id = "ah-eng", name = "Wu Gang", unit = "AH", roles = new[] { "Engineer" }, groups = new[] { "AH-L2BIZ" } });
        var deskKey = await IssueKeyAsync(admin, "ah-desk");
        var engineerKey = await IssueKeyAsync(admin, "ah-eng");

        using var desk = _app.As(deskKey);
        using var engineer = _app.As(engineerKey);
        var ticket = await desk.CreateAsync(TicketClient.NewTicket("OA login fails", system: "AH-OA"));
        await desk.ActOkAsync(ticket.Id, "triage", new { group = "AH-L2BIZ" });
        var started = await engineer.ActOkAsync(ticket.Id, "start");

        Assert.That(ticket.Number, Is.EqualTo("AH-2026-000001"));
        Assert.That((started.Status, started.Assignee), Is.EqualTo((TicketStatus.InProgress, "ah-eng")));
    }

    [Test, Order(3)]
    public async Task RevokedKey_NoLongerAuthenticates()
    {
        using var admin = _app.As(_adminKey);
        await Created(admin, "users", new { id = "temp-user", name = "Temp", unit = "HQ", roles = new[] { "Requester" } });
        var key = await IssueKeyAsync(admin, "temp-user");
        using var temp = _app.As(key);
        Assert.That((await temp.Http.GetAsync("/api/v1/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var keyId = (await admin.GetJsonAsync("/api/v1/admin/users/temp-user/api-keys")).AsArray().Single()!["id"]!.GetValue<string>();

        Assert.That((await admin.Http.DeleteAsync($"/api/v1/admin/api-keys/{keyId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        await TicketClient.ExpectProblemAsync(await temp.Http.GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
        var listed = (await admin.GetJsonAsync("/api/v1/admin/users/temp-user/api-keys")).AsArray().Single()!;
        Assert.That(listed["revokedAt"], Is.Not.Null);
        Assert.That(listed.ToJsonString(), Does.Not.Contain(key), "the key is never shown again");
        await TicketClient.ExpectProblemAsync(await admin.Http.DeleteAsync($"/api/v1/admin/api-keys/{keyId}"), HttpStatusCode.NotFound);
    }

    [Test, Order(4)]
    public async Task UnitManager_AdministersOnlyBelowTheirUnit()
    {
        using var admin = _app.As(_adminKey);
        await Created(admin, "units", new { id = "BJ", name = "Beijing", parent = "HQ" });
        await Created(admin, "users", new { id = "ah-manager", name = "Anhui IT", unit = "AH", roles = new[] { "ItManager" } });
        using var ahManager = _app.As(await IssueKeyAsync(admin, "ah-manager"));

        await Created(ahManager, "units", new { id = "AH-HF", name = "Hefei", parent = "AH" });
        var foreign = await ahManager.Http.PostAsJsonAsync("/api/v1/admin/units", new { id = "BJ-X", name = "x", parent = "BJ" });
        await TicketClient.ExpectProblemAsync(foreign, HttpStatusCode.UnprocessableEntity);
        await TicketClient.ExpectProblemAsync(await ahManager.Http.GetAsync("/api/v1/admin/users/hq-admin/api-keys"), HttpStatusCode.NotFound);
        var duplicate = await admin.Http.PostAsJsonAsync("/api/v1/admin/units", new { id = "AH", name = "again", parent = "HQ" });
        await TicketClient.ExpectProblemAsync(duplicate, HttpStatusCode.Conflict);
    }

    [TestCase("""{"id":"lower","name":"x","parent":"HQ"}""", "units")]
    [TestCase("""{"id":"OK","name":"","parent":"HQ"}""", "units")]
    [TestCase("""{"id":"G1","name":"x","unit":"HQ","line":"Line9"}""", "groups")]
    [TestCase("""{"id":"u1","name":"x","unit":"HQ","roles":[]}""", "users")]
    [TestCase("""{"id":"u2","name":"x","unit":"HQ","roles":["System"]}""", "users")]
    [TestCase("""{"id":"u3","name":"x","unit":"HQ","roles":["Wizard"]}""", "users")]
    public async Task Create_WithBadInput_Is400(string body, string collection)
    {
        using var admin = _app.As(_adminKey);

        await TicketClient.ExpectProblemAsync(await admin.PostJsonTextAsync($"/api/v1/admin/{collection}", body), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task NonManager_IsForbidden()
    {
        using var admin = _app.As(_adminKey);
        await Created(admin, "users", new { id = "plain-user", name = "Plain", unit = "HQ", roles = new[] { "Requester" } });
        using var plain = _app.As(await IssueKeyAsync(admin, "plain-user"));

        await TicketClient.ExpectProblemAsync(await plain.Http.PostAsJsonAsync("/api/v1/admin/units", new { id = "NOPE", name = "x", parent = "HQ" }), HttpStatusCode.Forbidden);
    }

    private static async Task Created(TicketClient client, string collection, object body) =>
        await TicketClient.ExpectAsync(await client.Http.PostAsJsonAsync($"/api/v1/admin/{collection}", body), HttpStatusCode.Created);

    private static async Task<string> IssueKeyAsync(TicketClient admin, string userId)
    {
        var response = await admin.Http.PostAsJsonAsync($"/api/v1/admin/users/{userId}/api-keys", new { name = "test" });
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["key"]!.GetValue<string>();
    }
}
