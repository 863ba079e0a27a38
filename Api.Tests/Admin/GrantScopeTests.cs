using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Admin;

/// <summary>An IT manager grants only what lies within their scope: their subtree's users and groups, any role but HqEngineer.</summary>
[TestFixture]
public sealed class GrantScopeTests : ApiFixture
{
    [Test]
    public async Task CreateUser_InAnotherUnitsGroup_Is403NamingTheGroupAndCreatesNobody()
    {
        using var jsManager = _app.As(Keys.JsItManager);

        var response = await jsManager.Http.PostAsJsonAsync("/api/v1/admin/users",
            new { id = "js-spy", name = "Spy", unit = "JS", roles = new[] { "Engineer" }, groups = new[] { "JS-L2SYS", "ZJ-L2SYS" } });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:grant-out-of-scope"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("ZJ-L2SYS").And.Not.Contain("JS-L2SYS ("));
        Assert.That(problem["outOfScope"]!.AsArray(), Has.Count.EqualTo(1));
        await TicketClient.ExpectProblemAsync(await jsManager.Http.GetAsync("/api/v1/admin/users/js-spy/api-keys"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task CreateUser_WithHqEngineer_ByAProvincialManager_Is403()
    {
        using var jsManager = _app.As(Keys.JsItManager);

        var response = await jsManager.Http.PostAsJsonAsync("/api/v1/admin/users",
            new { id = "js-fake-hq", name = "Fake HQ", unit = "JS", roles = new[] { "Engineer", "HqEngineer" } });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("HqEngineer"));
    }

    [Test]
    public async Task CreateUser_WithinTheProvince_IsCreatedAndItsKeyNamesTheIssuer()
    {
        using var jsManager = _app.As(Keys.JsItManager);
        await Created(jsManager, new { id = "js-new-engineer", name = "New", unit = "JS-NJ", roles = new[] { "Engineer", "ItManager" }, groups = new[] { "JS-L2SYS" } });

        var issued = await IssueAsync(jsManager, "js-new-engineer");

        Assert.That(issued["issuedBy"]!.GetValue<string>(), Is.EqualTo("js-itmanager"));
        var listed = (await jsManager.GetJsonAsync("/api/v1/admin/users/js-new-engineer/api-keys")).AsArray().Single()!;
        Assert.That(listed["issuedBy"]!.GetValue<string>(), Is.EqualTo("js-itmanager"));
        var demo = (await jsManager.GetJsonAsync("/api/v1/admin/users/js-requester/api-keys")).AsArray().Single()!;
        Assert.That(demo["issuedBy"]!.GetValue<string>(), Is.EqualTo("demo-data"));
    }

    [Test]
    public async Task HqManager_GrantsHqEngineerAndHqGroups_ButAProvincialManagerCannotIssueThatUserAKey()
    {
        using var hqManager = _app.As(Keys.HqItManager);
        using var jsManager = _app.As(Keys.JsItManager);
        await Created(hqManager, new { id = "js-hq-expert", name = "Expert", unit = "JS", roles = new[] { "Engineer", "HqEngineer" }, groups = new[] { "HQ-L3" } });
        var issued = await IssueAsync(hqManager, "js-hq-expert");
        Assert.That(issued["issuedBy"]!.GetValue<string>(), Is.EqualTo("hq-itmanager"));

        var response = await jsManager.Http.PostAsJsonAsync("/api/v1/admin/users/js-hq-expert/api-keys", new { name = "mine" });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("HqEngineer").And.Contain("HQ-L3"));
        Assert.That((await hqManager.GetJsonAsync("/api/v1/admin/users/js-hq-expert/api-keys")).AsArray(), Has.Count.EqualTo(1), "no key was issued");
    }

    [Test]
    public async Task IssueKey_ForAUserOfAnotherProvince_Is404()
    {
        using var jsManager = _app.As(Keys.JsItManager);

        await TicketClient.ExpectProblemAsync(
            await jsManager.Http.PostAsJsonAsync("/api/v1/admin/users/zj-engineer/api-keys", new { name = "mine" }), HttpStatusCode.NotFound);
    }

    private static async Task Created(TicketClient client, object body) =>
        await TicketClient.ExpectAsync(await client.Http.PostAsJsonAsync("/api/v1/admin/users", body), HttpStatusCode.Created);

    private static async Task<JsonObject> IssueAsync(TicketClient client, string userId)
    {
        var response = await client.Http.PostAsJsonAsync($"/api/v1/admin/users/{userId}/api-keys", new { name = "test" });
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
