using System.Net;
using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.DependencyInjection;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Accounts;

/// <summary>
/// Resolving an AccountPermission ticket applies its account changes in the resolve's transaction, or nothing at all. Each
/// test changes the demo accounts, so each gets its own service and database.
/// </summary>
[TestFixture]
public sealed class AccountResolveTests : ApiPerTestFixture
{

    /// <summary>An approved AccountPermission change on ERP at JS, ready for the engineer to implement.</summary>
    private async Task<long> ApprovedChangeAsync()
    {
        var ticket = await _given.TicketIn(TicketStatus.PendingApproval, Category.AccountPermission, "Roles for the new accounts clerk");
        await _given.Approver.ActOkAsync(ticket.Id, "approve", new { comment = "Go ahead" });
        return ticket.Id;
    }

    private static object Resolved(params object[] accountChanges) => new
    {
        code = "ChangeImplemented", resolution = "Accounts changed", testResult = "Logged in as each account", accountChanges,
    };

    [Test]
    public async Task Resolve_WithAccountChanges_AppliesEachInTheSameChangeWithHistoryNamingTheTicket()
    {
        var id = await ApprovedChangeAsync();

        var resolved = await _given.Engineer.ActOkAsync(id, "resolve", Resolved(
            new { login = "js001", op = "GrantRole", role = "AP-CLERK" },
            new { login = "js002", op = "RevokeRole", role = "AP-CLERK" },
            new { login = "js003", op = "Disable" },
            new { login = "newclerk", op = "Create", holder = "钱七", department = "财务部", role = "GL-CLERK" },
            new { login = "newclerk", op = "GrantRole", role = "REPORT-VIEWER" }));

        var js001 = await Register.GetAsync(_given.ItManager, "ERP", "js001");
        var js002 = await Register.GetAsync(_given.ItManager, "ERP", "js002");
        var js003 = await Register.GetAsync(_given.ItManager, "ERP", "js003");
        var created = await Register.GetAsync(_given.ItManager, "ERP", "newclerk");
        Assert.That(resolved.Status, Is.EqualTo(TicketStatus.Resolved));
        Assert.That(js001["account"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "GL-CLERK", "AP-CLERK" }));
        Assert.That(js002["account"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "GL-CLERK" }));
        Assert.That(js003["account"]!["status"]!.GetValue<string>(), Is.EqualTo("Disabled"));
        Assert.That(created["account"]!["holder"]!.GetValue<string>(), Is.EqualTo("钱七"));
        Assert.That(created["account"]!["unit"]!.GetValue<string>(), Is.EqualTo("JS"));
        Assert.That(created["account"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "GL-CLERK", "REPORT-VIEWER" }));
        var last = js001["history"]!.AsArray()[^1]!;
        Assert.That((last["change"]!.GetValue<string>(), last["role"]!.GetValue<string>(), last["ticket"]!.GetValue<long>()),
            Is.EqualTo(("GrantRole", "AP-CLERK", id)));
        Assert.That(created["history"]!.AsArray().Select(h => h!["change"]!.GetValue<string>()), Is.EqualTo(new[] { "Create", "GrantRole" }));
        var events = await _app.Services.GetRequiredService<Database>().ReadAsync(async (connection, token) => (await connection.QueryAsync<string>(
            new CommandDefinition("SELECT Type FROM OutboxEvents WHERE TicketId = @id AND Type = 'account.changed'", new { id }, cancellationToken: token))).ToList(),
            CancellationToken.None);
        Assert.That(events, Has.Count.EqualTo(5), "one account.changed event per change, for webhooks");
    }

    [TestCase("js001", "GrantRole", "GL-CLERK", TestName = "Resolve_GrantingARoleTheAccountHas_Returns422AndAppliesNothing")]
    [TestCase("js001", "RevokeRole", "AP-CLERK", TestName = "Resolve_RevokingARoleTheAccountLacks_Returns422AndAppliesNothing")]
    [TestCase("js001", "Enable", null, TestName = "Resolve_EnablingAnActiveAccount_Returns422AndAppliesNothing")]
    [TestCase("nobody", "Disable", null, TestName = "Resolve_DisablingAnUnknownLogin_Returns422AndAppliesNothing")]
    [TestCase("js002", "Create", null, TestName = "Resolve_CreatingAnExistingLogin_Returns422AndAppliesNothing")]
    [TestCase("js004", "GrantRole", null, TestName = "Resolve_GrantingWithoutARole_Returns422AndAppliesNothing")]
    [TestCase("js005", "Disable", "twice", TestName = "Resolve_DisablingADisabledAccount_Returns422AndAppliesNothing")]
    public async Task Resolve_NonsensicalOp_Returns422NamingTheItemAndAppliesNothing(string login, string op, string? role)
    {
        var id = await ApprovedChangeAsync();
        var before = await _given.Engineer.GetTicketAsync(id);
        var changes = new List<object> { new { login = "js010", op = "Disable" } };
        if (role == "twice") changes.Add(new { login, op = "Disable" });
        changes.Add(new { login, op, role = role == "twice" ? null : role, holder = op == "Create" ? "某人" : null });

        var response = await _given.Engineer.ActAsync(id, "resolve", Resolved([.. changes]));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.StartWith($"accountChanges[{changes.Count - 1}]"));
        var after = await _given.Engineer.GetTicketAsync(id);
        Assert.That((after.Status, after.Version), Is.EqualTo((before.Status, before.Version)), "the ticket is not resolved and its ETag stays");
        var js010 = await Register.GetAsync(_given.ItManager, "ERP", "js010");
        Assert.That(js010["account"]!["status"]!.GetValue<string>(), Is.EqualTo("Active"), "the valid change before it is not applied either");
        Assert.That(js010["history"]!.AsArray().Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Resolve_AccountChangesOnATicketOfAnotherCategory_Returns422()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);

        var response = await _given.Engineer.ActAsync(ticket.Id, "resolve",
            new { code = "Fixed", resolution = "Done", accountChanges = new[] { new { login = "js001", op = "Disable" } } });

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That((await _given.Engineer.GetTicketAsync(ticket.Id)).Status, Is.EqualTo(TicketStatus.InProgress));
    }

    [Test]
    public async Task Resolve_RoleLongerThanItsColumn_Returns400()
    {
        var id = await ApprovedChangeAsync();

        var response = await _given.Engineer.ActAsync(id, "resolve", Resolved(new { login = "js001", op = "GrantRole", role = new string('R', 65) }));

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [TestCase("  ", TestName = "Resolve_CreateWithABlankHolder_Returns400NamingItAndAppliesNothing")]
    [TestCase("\u3000", TestName = "Resolve_CreateWithAnIdeographicSpaceHolder_Returns400NamingItAndAppliesNothing")]
    public async Task Resolve_CreateWithBlankHolder_Returns400NamingItAndAppliesNothing(string holder)
    {
        var id = await ApprovedChangeAsync();
        var before = await _given.Engineer.GetTicketAsync(id);

        var response = await _given.Engineer.ActAsync(id, "resolve", Resolved(new { login = "new2", op = "Create", holder }));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.ToJsonString(), Does.Contain("accountChanges[0].holder").IgnoreCase);
        var after = await _given.Engineer.GetTicketAsync(id);
        Assert.That((after.Status, after.Version), Is.EqualTo((before.Status, before.Version)), "nothing is saved: the ETag stays");
        var missing = await _given.ItManager.Http.GetAsync("/api/v1/systems/ERP/accounts/new2");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Resolve_CreateWithABlankDepartment_StoresNoDepartmentAsTheImportDoes()
    {
        var id = await ApprovedChangeAsync();

        await _given.Engineer.ActOkAsync(id, "resolve", Resolved(new { login = "new3", op = "Create", holder = "钱七", department = "  " }));

        var created = await Register.GetAsync(_given.ItManager, "ERP", "new3");
        Assert.That(created["account"]!["department"], Is.Null);
    }

    [Test]
    public async Task Resolve_ChangingAnAccountOfAnotherProvince_Returns422AsForAnUnknownLogin()
    {
        using (var zjManager = _app.As(Keys.ZjItManager))
            await Register.ImportOkAsync(zjManager, "ERP", Register.Header + "\nzj001,Zhejiang clerk,,GL-CLERK,Active,\n", unit: "ZJ");
        var id = await ApprovedChangeAsync();

        var foreign = await _given.Engineer.ActAsync(id, "resolve", Resolved(new { login = "zj001", op = "Disable" }));
        var unknown = await _given.Engineer.ActAsync(id, "resolve", Resolved(new { login = "nobody", op = "Disable" }));

        var foreignDetail = (await TicketClient.ExpectProblemAsync(foreign, HttpStatusCode.UnprocessableEntity))["detail"]!.GetValue<string>();
        var unknownDetail = (await TicketClient.ExpectProblemAsync(unknown, HttpStatusCode.UnprocessableEntity))["detail"]!.GetValue<string>();
        Assert.That(foreignDetail, Is.EqualTo(unknownDetail.Replace("nobody", "zj001")));
        Assert.That(foreignDetail, Does.Not.Contain("ZJ"));
    }
}
