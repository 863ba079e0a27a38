using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Admin;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Admin;

/// <summary>Headquarters is the root unit whatever its code: here an installation whose root is GROUP.</summary>
[TestFixture]
public sealed class HeadquartersRootTests
{
    private ItsmApp _app = null!;
    private TicketClient _root = null!;

    [OneTimeSetUp]
    public async Task BootstrapAGroupRoot()
    {
        _app = new ItsmApp(new Dictionary<string, string?> { ["Database:SeedDemoData"] = "false", ["Auth:KeyCacheSeconds"] = "0" });
        _app.CreateClient().Dispose();
        var (code, output, _) = await BootstrapAsync("--unit", "GROUP", "--user", "group-admin");
        Assert.That(code, Is.EqualTo(0));
        _root = _app.As(output.Split("shown once: ")[1].Trim());
        await Created("units", new { id = "PROV", name = "A province", parent = "GROUP" });
        await Created("groups", new { id = "GROUP-L3", name = "Group experts", unit = "GROUP", line = "Line3" });
        await Created("groups", new { id = "PROV-L1", name = "Province desk", unit = "PROV", line = "Line1" });
        await Created("departments", new { code = "PROV-GO", name = "General Office", unit = "PROV" });
        await Created("systems", new { id = "PROV-OA", name = "Office automation", unit = "PROV", ownerDepartment = "PROV-GO" });
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        _root.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task RootManager_ChangesCompanyWideSettings()
    {
        var matrix = await _root.GetJsonAsync("/api/v1/priority-matrix");

        var response = await _root.Http.PutAsJsonAsync("/api/v1/priority-matrix", matrix);

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
    }

    [Test]
    public async Task RootIntegration_IsTheHqSystem()
    {
        await Created("users", new { id = "group-integration", name = "HQ helpdesk", unit = "GROUP", roles = new[] { "Integration" }, integration = true });
        using var integration = _app.As(await IssueAsync("group-integration"));

        var response = await integration.Http.PostAsync("/api/v1/integrations/hq/events", JsonContent.Create(new { type = "acknowledged" }));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.NotFound);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("not configured"), "past the HQ-only check; no callback secret here");
    }

    [Test]
    public async Task ProvincialManager_CannotGrantHqEngineer_RootManagerCan()
    {
        await Created("users", new { id = "prov-manager", name = "Province IT", unit = "PROV", roles = new[] { "ItManager" } });
        using var provinceManager = _app.As(await IssueAsync("prov-manager"));
        var expert = new { id = "prov-expert", name = "Expert", unit = "PROV", roles = new[] { "HqEngineer" }, groups = new[] { "GROUP-L3" } };

        await TicketClient.ExpectProblemAsync(await provinceManager.Http.PostAsJsonAsync("/api/v1/admin/users", expert), HttpStatusCode.Forbidden);
        await Created("users", expert);
    }

    [Test]
    public async Task ProvinceTicket_CannotBeTriagedToTheRootsGroups()
    {
        await Created("users", new { id = "prov-desk", name = "Desk", unit = "PROV", roles = new[] { "ServiceDesk", "Requester" }, groups = new[] { "PROV-L1" } });
        using var desk = _app.As(await IssueAsync("prov-desk"));
        var ticket = await desk.CreateAsync(TicketClient.NewTicket("OA login fails", system: "PROV-OA"));

        var response = await desk.ActAsync(ticket.Id, "triage", new { group = "GROUP-L3" });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("headquarters is reached by escalation"));
    }

    [Test]
    public async Task Bootstrap_WithAnotherNewUnit_IsRefusedAndLeavesOneRoot()
    {
        var (code, _, error) = await BootstrapAsync("--unit", "OTHER", "--user", "other-admin");

        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(error, Does.Contain("GROUP").And.Contain("only one root"));
        var units = await _root.GetJsonAsync("/api/v1/units");
        Assert.That(units.AsArray().Count(u => u!["parent"] is null), Is.EqualTo(1), units.ToJsonString());
        var admin = _app.Services.GetRequiredService<OrganisationAdmin>();
        Assert.That(await admin.AddRootUnitAsync("THIRD", "x", CancellationToken.None), Is.EqualTo(AdminOutcome.AlreadyExists));
    }

    [Test]
    public void RootPath_IsTheOneWithASingleSegment()
    {
        Assert.That(UnitPaths.IsRoot("/GROUP/"), Is.True);
        Assert.That(UnitPaths.IsRoot("/GROUP/PROV/"), Is.False);
        Assert.That(UnitPaths.IsRoot("/"), Is.False);
    }

    private async Task<(int Code, string Output, string Error)> BootstrapAsync(params string[] options)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (stdout, stderr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = await AdminBootstrap.RunAsync(_app.Services, [AdminBootstrap.Command, .. options]);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    private async Task Created(string collection, object body) =>
        await TicketClient.ExpectAsync(await _root.Http.PostAsJsonAsync($"/api/v1/admin/{collection}", body), HttpStatusCode.Created);

    private async Task<string> IssueAsync(string userId)
    {
        var response = await _root.Http.PostAsJsonAsync($"/api/v1/admin/users/{userId}/api-keys", new { name = "test" });
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["key"]!.GetValue<string>();
    }
}
