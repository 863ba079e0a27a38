using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Accounts;

/// <summary>
/// Logins and role names: only characters on which SQLite, SQL Server and the service agree about case, and no role
/// separator; reported uses are checked item by item.
/// </summary>
[TestFixture]
public sealed class AccountNameTests : ApiPerTestFixture
{
    [TestCase("Émile", TestName = "Import_LoginWithANonAsciiLetter_Returns422NamingTheLine")]
    [TestCase("Ａbc", TestName = "Import_LoginWithAFullWidthLetter_Returns422NamingTheLine")]
    [TestCase("zhang san", TestName = "Import_LoginWithASpace_Returns422NamingTheLine")]
    public async Task Import_LoginOutsideTheAgreedCharacters_Returns422NamingTheLine(string login)
    {
        var response = await Register.ImportAsync(_given.ItManager, "HR", Register.Header + $"\nok1,Good,,R1,Active,\n{login},Bad,,R1,Active,\n");

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["errors"]!.AsArray().Select(e => e!["line"]!.GetValue<int>()), Is.EqualTo(new[] { 3 }));
        Assert.That(await Register.ListAsync(_given.ItManager, "HR"), Is.Empty);
    }

    [Test]
    public async Task Import_RoleWithASpaceInside_Returns422NamingTheLine()
    {
        var response = await Register.ImportAsync(_given.ItManager, "HR", Register.Header + "\nok1,Good,,R1;HR CLERK,Active,\n");

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["errors"]![0]!["line"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(problem["errors"]![0]!["reason"]!.GetValue<string>(), Does.Contain("HR CLERK"));
    }

    [TestCase("GrantRole", "A;B", TestName = "Resolve_GrantingARoleWithTheSeparator_Returns400AndAppliesNothing")]
    [TestCase("GrantRole", " ; ", TestName = "Resolve_GrantingABlankSeparatedRole_Returns400AndAppliesNothing")]
    [TestCase("Create", "A;B", TestName = "Resolve_CreatingWithARoleWithTheSeparator_Returns400AndAppliesNothing")]
    [TestCase("CreateLogin", "R1", TestName = "Resolve_CreatingANonAsciiLogin_Returns400AndAppliesNothing")]
    public async Task Resolve_BadRoleOrLogin_Returns400AndAppliesNothing(string op, string role)
    {
        var ticket = await _given.TicketIn(TicketStatus.PendingApproval, Category.AccountPermission, "Roles for the new accounts clerk");
        await _given.Approver.ActOkAsync(ticket.Id, "approve", new { comment = "Go ahead" });
        var change = op switch
        {
            "GrantRole" => (object)new { login = "js001", op, role },
            "Create" => new { login = "newclerk", op, role, holder = "钱七" },
            _ => new { login = "émile", op = "Create", role, holder = "Émile" },
        };

        var response = await _given.Engineer.ActAsync(ticket.Id, "resolve", new
        {
            code = "ChangeImplemented", resolution = "Accounts changed", testResult = "Logged in", accountChanges = new[] { change },
        });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.ToJsonString(), Does.Contain("accountChanges[0]").IgnoreCase);
        Assert.That((await _given.Engineer.GetTicketAsync(ticket.Id)).Status, Is.EqualTo(TicketStatus.InProgress));
        var js001 = await Register.GetAsync(_given.ItManager, "ERP", "js001");
        Assert.That(js001["account"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "GL-CLERK" }));
    }

    [Test]
    public async Task LastUsed_NullItem_Returns400NamingTheItem()
    {
        using var integration = _app.As(Keys.HqIntegration);

        var response = await integration.Http.PostAsync("/api/v1/systems/ERP/accounts:last-used",
            new StringContent("[{\"login\":\"js001\",\"lastUsedAt\":\"2026-11-30T09:00:00Z\"},null]", System.Text.Encoding.UTF8, "application/json"));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.ToJsonString(), Does.Contain("body[1]"));
    }

    [Test]
    public async Task LastUsed_FutureUse_Returns400NamingTheItemAndRecordsNothing()
    {
        using var integration = _app.As(Keys.HqIntegration);
        var before = await Register.GetAsync(_given.ItManager, "ERP", "js001");
        var future = _app.Clock.GetUtcNow().AddMinutes(10);

        var response = await integration.Http.PostAsJsonAsync("/api/v1/systems/ERP/accounts:last-used", new[]
        {
            new { login = "js001", lastUsedAt = _app.Clock.GetUtcNow().AddMinutes(-1) }, new { login = "js001", lastUsedAt = future },
        });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.ToJsonString(), Does.Contain("body[1]"));
        var after = await Register.GetAsync(_given.ItManager, "ERP", "js001");
        Assert.That(after["account"]!["lastUsedAt"]?.ToJsonString(), Is.EqualTo(before["account"]!["lastUsedAt"]?.ToJsonString()));
    }

    [Test]
    public async Task LastUsed_UseWithinTheClockSkew_IsRecorded()
    {
        using var integration = _app.As(Keys.HqIntegration);
        var soon = _app.Clock.GetUtcNow().AddMinutes(4);

        var response = await integration.Http.PostAsJsonAsync("/api/v1/systems/ERP/accounts:last-used", new[] { new { login = "js001", lastUsedAt = soon } });

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        var after = await Register.GetAsync(_given.ItManager, "ERP", "js001");
        Assert.That(after["account"]!["lastUsedAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(soon));
    }

    [Test]
    public async Task GetAccount_NonAsciiLogin_Returns404()
    {
        var response = await _given.ItManager.Http.GetAsync("/api/v1/systems/ERP/accounts/%C3%A9mile");

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.NotFound);
    }
}
