using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Departments;

/// <summary>
/// Departments, users' departments and system owners, maintained by IT managers within their scope; every refusal
/// changes nothing.
/// </summary>
[TestFixture]
public sealed class DepartmentAdminTests : ApiFixture
{
    [Test]
    public async Task Departments_ListForACaller_ShowTheirUnitsAndThoseAbove_NotOtherProvinces()
    {
        var codes = Codes(await _given.Requester.GetJsonAsync("/api/v1/departments"));

        Assert.That(codes, Is.SupersetOf(new[] { "HQ-FIN", "HQ-HR", "JS-FIN", "JS-HR" }));
        Assert.That(codes.Where(c => c.StartsWith("ZJ-")), Is.Empty);
    }

    [Test]
    public async Task AdminDepartments_ListForAProvincialManager_ShowOnlyTheirSubtree()
    {
        var codes = Codes(await _given.ItManager.GetJsonAsync("/api/v1/admin/departments"));

        Assert.That(codes, Does.Contain("JS-FIN").And.Contain("JS-HR"));
        Assert.That(codes.Where(c => !c.StartsWith("JS")), Is.Empty);
    }

    [Test]
    public async Task CreateDepartment_InABranch_IsListedAndRenamable()
    {
        var created = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/admin/departments", new { code = "JS-NJ-OPS", name = "Nanjing Operations", unit = "JS-NJ" });
        await TicketClient.ExpectAsync(created, HttpStatusCode.Created);

        var renamed = await _given.ItManager.Http.PutAsJsonAsync("/api/v1/admin/departments/JS-NJ-OPS", new { name = "Nanjing Operations Department" });

        await TicketClient.ExpectAsync(renamed, HttpStatusCode.OK);
        var listed = (await _given.ItManager.GetJsonAsync("/api/v1/admin/departments")).AsArray().Single(d => d!["code"]!.GetValue<string>() == "JS-NJ-OPS")!;
        Assert.That((listed["name"]!.GetValue<string>(), listed["unit"]!.GetValue<string>()), Is.EqualTo(("Nanjing Operations Department", "JS-NJ")));
    }

    [TestCase("{\"code\":\"JS-X\",\"name\":\"X\",\"unit\":\"NOWHERE\"}", 422, "unit", TestName = "CreateDepartment_InAnUnknownUnit_Is422NamingUnit")]
    [TestCase("{\"code\":\"JS-X\",\"name\":\"X\",\"unit\":\"ZJ\"}", 422, "unit", TestName = "CreateDepartment_InAnotherProvince_Is422NamingUnit")]
    [TestCase("{\"code\":\"JS-FIN\",\"name\":\"Again\",\"unit\":\"JS\"}", 409, null, TestName = "CreateDepartment_WithATakenCode_Is409")]
    [TestCase("{\"code\":\"js-lower\",\"name\":\"X\",\"unit\":\"JS\"}", 400, "code", TestName = "CreateDepartment_WithALowerCaseCode_Is400NamingCode")]
    public async Task CreateDepartment_BadInput_IsRefusedAndCreatesNothing(string json, int status, string? field)
    {
        var before = Codes(await _given.ItManager.GetJsonAsync("/api/v1/admin/departments"));

        var problem = await TicketClient.ExpectProblemAsync(await PostJson("/api/v1/admin/departments", json), (HttpStatusCode)status);

        if (status == 422) Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo(field));
        if (status == 400) Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Does.Contain(field));
        Assert.That(Codes(await _given.ItManager.GetJsonAsync("/api/v1/admin/departments")), Is.EqualTo(before));
    }

    [Test]
    public async Task CreateDepartment_OverLongCodeOrName_Is400AndCreatesNothing()
    {
        var longCode = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/admin/departments", new { code = "JS-" + new string('A', 38), name = "X", unit = "JS" });
        var longName = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/admin/departments", new { code = "JS-LONG", name = new string('n', 201), unit = "JS" });

        await TicketClient.ExpectProblemAsync(longCode, HttpStatusCode.BadRequest);
        await TicketClient.ExpectProblemAsync(longName, HttpStatusCode.BadRequest);
        Assert.That(Codes(await _given.ItManager.GetJsonAsync("/api/v1/admin/departments")), Has.None.StartsWith("JS-AAAA").And.None.EqualTo("JS-LONG"));
    }

    [Test]
    public async Task UpdateDepartment_OfAnotherProvince_Is404AndRenamesNothing()
    {
        var response = await _given.ItManager.Http.PutAsJsonAsync("/api/v1/admin/departments/ZJ-FIN", new { name = "Taken over" });

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.NotFound);
        using var zjManager = _app.As(Keys.ZjItManager);
        var zjFin = (await zjManager.GetJsonAsync("/api/v1/admin/departments")).AsArray().Single(d => d!["code"]!.GetValue<string>() == "ZJ-FIN")!;
        Assert.That(zjFin["name"]!.GetValue<string>(), Is.EqualTo("ZJ Finance Department"));
    }

    [Test]
    public async Task CreateUser_WithADepartmentOfTheirUnitOrAbove_ShowsItInMe()
    {
        await Created("/api/v1/admin/users", new { id = "nj-approver", name = "Nanjing approver", unit = "JS-NJ", roles = new[] { "BusinessApprover" }, department = "JS-HR" });
        using var approver = _app.As(await IssueKey("nj-approver"));

        var me = await approver.GetJsonAsync("/api/v1/me");

        Assert.That(me["department"]!.GetValue<string>(), Is.EqualTo("JS-HR"));
    }

    [TestCase("NOPE", HttpStatusCode.UnprocessableEntity, TestName = "CreateUser_WithAnUnknownDepartment_Is422NamingDepartment")]
    [TestCase("ZJ-FIN", HttpStatusCode.UnprocessableEntity, TestName = "CreateUser_WithADepartmentOfAnotherProvince_Is422NamingDepartment")]
    [TestCase("HQ-FIN", HttpStatusCode.Forbidden, TestName = "CreateUser_WithADepartmentAboveTheManagersUnit_Is403GrantOutOfScope")]
    public async Task CreateUser_WithADepartmentThatDoesNotServeThem_IsRefusedAndCreatesNobody(string department, HttpStatusCode status)
    {
        var id = "js-dept-" + department.ToLowerInvariant();
        var response = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/admin/users",
            new { id, name = "X", unit = "JS", roles = new[] { "BusinessApprover" }, department });

        var problem = await TicketClient.ExpectProblemAsync(response, status);
        if (status == HttpStatusCode.UnprocessableEntity) Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo("department"));
        else Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:grant-out-of-scope"));
        await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.GetAsync($"/api/v1/admin/users/{id}/api-keys"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task SetUserDepartment_MovesTheApproversRightToApprove_AndBadValuesChangeNothing()
    {
        await Created("/api/v1/admin/users", new { id = "js-mover", name = "Mover", unit = "JS", roles = new[] { "BusinessApprover" }, department = "JS-FIN" });
        var key = await IssueKey("js-mover");

        var unknown = await _given.ItManager.Http.PutAsJsonAsync("/api/v1/admin/users/js-mover/department", new { department = "NOPE" });
        var above = await _given.ItManager.Http.PutAsJsonAsync("/api/v1/admin/users/js-mover/department", new { department = "HQ-HR" });
        var foreign = await _given.ItManager.Http.PutAsJsonAsync("/api/v1/admin/users/zj-approver/department", new { department = "JS-HR" });
        Assert.That((await TicketClient.ExpectProblemAsync(unknown, HttpStatusCode.UnprocessableEntity))["field"]!.GetValue<string>(), Is.EqualTo("department"));
        await TicketClient.ExpectProblemAsync(above, HttpStatusCode.Forbidden);
        await TicketClient.ExpectProblemAsync(foreign, HttpStatusCode.NotFound);
        using (var before = _app.As(key))
            Assert.That((await before.GetJsonAsync("/api/v1/me"))["department"]!.GetValue<string>(), Is.EqualTo("JS-FIN"));

        var moved = await _given.ItManager.Http.PutAsJsonAsync("/api/v1/admin/users/js-mover/department", new { department = "JS-HR" });

        await TicketClient.ExpectAsync(moved, HttpStatusCode.OK);
        // Keys are cached for a minute: a new key shows the change at once.
        using var after = _app.As(await IssueKey("js-mover"));
        Assert.That((await after.GetJsonAsync("/api/v1/me"))["department"]!.GetValue<string>(), Is.EqualTo("JS-HR"));
    }

    [Test]
    public async Task CreateSystem_WithAnUnknownOrForeignOwnerDepartment_Is422AndCreatesNoSystem()
    {
        var unknown = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/admin/systems", new { id = "JS-OA", name = "OA", unit = "JS", ownerDepartment = "NOPE" });
        var foreign = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/admin/systems", new { id = "JS-OA", name = "OA", unit = "JS", ownerDepartment = "ZJ-FIN" });

        Assert.That((await TicketClient.ExpectProblemAsync(unknown, HttpStatusCode.UnprocessableEntity))["field"]!.GetValue<string>(), Is.EqualTo("ownerDepartment"));
        Assert.That((await TicketClient.ExpectProblemAsync(foreign, HttpStatusCode.UnprocessableEntity))["field"]!.GetValue<string>(), Is.EqualTo("ownerDepartment"));
        var systems = (await _given.ItManager.GetJsonAsync("/api/v1/systems")).AsArray().Select(s => s!["id"]!.GetValue<string>());
        Assert.That(systems, Does.Not.Contain("JS-OA"));
    }

    [Test]
    public async Task Owners_OfAnEnterpriseSystem_ShowTheCallersUnitsAndThoseAbove()
    {
        var owners = await _given.ItManager.GetJsonAsync("/api/v1/admin/systems/ERP/owners");

        Assert.That(Entries(owners), Is.EqualTo(new[] { ("HQ", "HQ-FIN"), ("JS", "JS-FIN") }));
    }

    [Test]
    public async Task ReplaceOwners_OfAnEnterpriseSystemByAProvincialManager_Is403AndChangesNothing()
    {
        var response = await _given.ItManager.Http.PutAsJsonAsync("/api/v1/admin/systems/ERP/owners",
            new { owners = new[] { new { unit = "HQ", department = "HQ-FIN" }, new { unit = "JS", department = "JS-HR" } } });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:grant-out-of-scope"));
        Assert.That(Entries(await _given.ItManager.GetJsonAsync("/api/v1/admin/systems/ERP/owners")), Does.Contain(("JS", "JS-FIN")));
    }

    [TestCase("NOPE", "JS-NJ", "owners[1].department", TestName = "ReplaceOwners_WithAnUnknownDepartment_Is422NamingTheEntry")]
    [TestCase("ZJ-FIN", "JS-NJ", "owners[1].department", TestName = "ReplaceOwners_WithADepartmentOfAnotherProvince_Is422NamingTheEntry")]
    [TestCase("JS-HR", "ZJ", "owners[1].unit", TestName = "ReplaceOwners_ForAUnitOutsideTheSystems_Is422NamingTheEntry")]
    [TestCase("JS-HR", "NOWHERE", "owners[1].unit", TestName = "ReplaceOwners_ForAnUnknownUnit_Is422NamingTheEntry")]
    [TestCase("JS-HR", "JS", "owners[1].unit", TestName = "ReplaceOwners_WithTwoEntriesForOneUnit_Is422NamingTheEntry")]
    public async Task ReplaceOwners_BadEntry_Is422AndChangesNothing(string department, string unit, string field)
    {
        var before = Entries(await _given.ItManager.GetJsonAsync("/api/v1/admin/systems/JS-MKT/owners"));

        var response = await _given.ItManager.Http.PutAsJsonAsync("/api/v1/admin/systems/JS-MKT/owners",
            new { owners = new[] { new { unit = "JS", department = "JS-FIN" }, new { unit, department } } });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo(field));
        Assert.That(Entries(await _given.ItManager.GetJsonAsync("/api/v1/admin/systems/JS-MKT/owners")), Is.EqualTo(before));
    }

    [Test]
    public async Task ReplaceOwners_WithANullEntry_Is400AndChangesNothing()
    {
        var before = Entries(await _given.ItManager.GetJsonAsync("/api/v1/admin/systems/JS-MKT/owners"));
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/admin/systems/JS-MKT/owners")
        {
            Content = new StringContent("{\"owners\":[{\"unit\":\"JS\",\"department\":\"JS-HR\"},null]}", System.Text.Encoding.UTF8, "application/json"),
        };

        await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.SendAsync(request), HttpStatusCode.BadRequest);
        Assert.That(Entries(await _given.ItManager.GetJsonAsync("/api/v1/admin/systems/JS-MKT/owners")), Is.EqualTo(before));
    }

    [TestCase("ZJ-MKT", TestName = "Owners_OfAnotherProvincesSystem_Are404")]
    [TestCase("NOPE", TestName = "Owners_OfAnUnknownSystem_Are404")]
    public async Task Owners_OfASystemTheCallerDoesNotUse_Are404(string system)
    {
        await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.GetAsync($"/api/v1/admin/systems/{system}/owners"), HttpStatusCode.NotFound);
        var put = await _given.ItManager.Http.PutAsJsonAsync($"/api/v1/admin/systems/{system}/owners",
            new { owners = new[] { new { unit = "JS", department = "JS-FIN" } } });
        await TicketClient.ExpectProblemAsync(put, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task ReplaceOwners_WithoutTheSystemsOwnUnit_Is422()
    {
        var response = await _given.ItManager.Http.PutAsJsonAsync("/api/v1/admin/systems/JS-MKT/owners",
            new { owners = new[] { new { unit = "JS-NJ", department = "JS-HR" } } });

        Assert.That((await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity))["field"]!.GetValue<string>(), Is.EqualTo("owners"));
    }

    [Test]
    public async Task ReplaceOwners_WithABranchEntry_MakesThatDepartmentOwnTheBranchsTickets()
    {
        await Created("/api/v1/admin/systems", new { id = "JS-CRM", name = "Jiangsu CRM", unit = "JS", ownerDepartment = "JS-FIN" });
        var replaced = await _given.ItManager.Http.PutAsJsonAsync("/api/v1/admin/systems/JS-CRM/owners",
            new { owners = new[] { new { unit = "JS", department = "JS-FIN" }, new { unit = "JS-NJ", department = "JS-HR" } } });
        await TicketClient.ExpectAsync(replaced, HttpStatusCode.OK);

        var branch = await _given.Requester.CreateAsync(TicketClient.NewTicket("CRM at Nanjing", Category.DataChange, "JS-CRM", unit: "JS-NJ"));
        var province = await _given.Requester.CreateAsync(TicketClient.NewTicket("CRM at Jiangsu", Category.DataChange, "JS-CRM"));

        Assert.That((branch.OwningDepartment, province.OwningDepartment), Is.EqualTo(("JS-HR", "JS-FIN")));
        var system = (await _given.Requester.GetJsonAsync("/api/v1/systems")).AsArray().Single(s => s!["id"]!.GetValue<string>() == "JS-CRM")!;
        Assert.That(system["ownerDepartment"]!.GetValue<string>(), Is.EqualTo("JS-FIN"));
    }

    private static List<string> Codes(JsonNode list) => list.AsArray().Select(d => d!["code"]!.GetValue<string>()).ToList();

    private static List<(string, string)> Entries(JsonNode owners) =>
        owners["owners"]!.AsArray().Select(o => (o!["unit"]!.GetValue<string>(), o["department"]!.GetValue<string>())).ToList();

    private Task<HttpResponseMessage> PostJson(string path, string json) =>
        _given.ItManager.Http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    private async Task Created(string path, object body) =>
        await TicketClient.ExpectAsync(await _given.ItManager.Http.PostAsJsonAsync(path, body), HttpStatusCode.Created);

    private async Task<string> IssueKey(string userId)
    {
        var issued = await _given.ItManager.Http.PostAsJsonAsync($"/api/v1/admin/users/{userId}/api-keys", new { name = "test" });
        await TicketClient.ExpectAsync(issued, HttpStatusCode.Created);
        return (await issued.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
    }
}
