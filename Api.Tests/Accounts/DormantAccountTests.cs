using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Accounts;

/// <summary>Dormant: Active and idle for Accounts:DormantAfterDays (180) or longer, notified to the owning department once.</summary>
[TestFixture]
public sealed class DormantAccountTests
{
    private ItsmApp _app = null!;
    private TicketClient _manager = null!;

    [SetUp]
    public void StartApp()
    {
        _app = new ItsmApp();
        _manager = _app.As(Keys.JsItManager);
    }

    [TearDown]
    public void StopApp()
    {
        _manager.Dispose();
        _app.Dispose();
    }

    private async Task<IReadOnlyList<string>> DormantAsync(string system = "HR") =>
        (await Register.ListAsync(_manager, system, "&dormant=true")).Select(i => i!["login"]!.GetValue<string>()).ToList();

    [Test]
    public async Task List_DormantTrue_FindsAccountsIdle180DaysOrLongerAndNotThoseIdle179()
    {
        var now = _app.Clock.GetUtcNow();
        await Register.ImportOkAsync(_manager, "HR", Register.Header + "\n" +
            $"d179,Idle 179 days,,R,Active,{Register.Iso(now.AddDays(-179))}\n" +
            $"d180,Idle 180 days,,R,Active,{Register.Iso(now.AddDays(-180))}\n" +
            $"d181,Idle 181 days,,R,Active,{Register.Iso(now.AddDays(-181))}\n" +
            $"off181,Disabled and idle,,R,Disabled,{Register.Iso(now.AddDays(-181))}\n");

        var dormant = await DormantAsync();
        var one = await Register.GetAsync(_manager, "HR", "d180");

        Assert.That(dormant, Is.EqualTo(new[] { "d180", "d181" }));
        Assert.That(one["account"]!["dormant"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task List_DormantTrue_FindsANeverUsedAccountOnceItWasCreated180DaysAgo()
    {
        await Register.ImportOkAsync(_manager, "HR", Register.Header + "\nfresh,Never used,,R,Active,\n");
        var start = _app.Clock.GetUtcNow();

        _app.Clock.SetUtcNow(start.AddDays(179));
        var at179 = await DormantAsync();
        _app.Clock.SetUtcNow(start.AddDays(180));
        var at180 = await DormantAsync();
        _app.Clock.SetUtcNow(start.AddDays(181));
        var at181 = await DormantAsync();

        Assert.That(at179, Is.Empty);
        Assert.That(at180, Is.EqualTo(new[] { "fresh" }));
        Assert.That(at181, Is.EqualTo(new[] { "fresh" }));
    }

    [Test]
    public async Task List_DormantTrueOnTheDemoRegister_FindsTheFiveIdleErpAccounts()
    {
        var dormant = await DormantAsync("ERP");
        Assert.That(dormant, Is.EqualTo(new[] { "js026", "js027", "js028", "js029", "js030" }));
    }

    [Test]
    public async Task Scheduler_AccountBecomesDormant_NotifiesTheOwningDepartmentsApproversOnceAndAgainOnlyAfterANewUse()
    {
        var now = _app.Clock.GetUtcNow();
        await Register.ImportOkAsync(_manager, "HR", Register.Header + $"\nidle,Idle,,R,Active,{Register.Iso(now.AddDays(-179))}\n");
        using var hrApprover = _app.As(Keys.JsHrApprover);
        using var finance = _app.As(Keys.JsApprover);
        using var integration = _app.As(Keys.HqIntegration);

        await Register.PassAsync(_app);
        var before = await NotificationsAsync(hrApprover);
        _app.Clock.SetUtcNow(now.AddDays(1));
        await Register.PassAsync(_app);
        await Register.PassAsync(_app);
        var once = await NotificationsAsync(hrApprover);
        var toFinance = await NotificationsAsync(finance);
        // Used again, then idle for another 180 days: dormant again, notified again.
        await TicketClient.ExpectAsync(await integration.Http.PostAsync("/api/v1/systems/HR/accounts:last-used",
            System.Net.Http.Json.JsonContent.Create(new[] { new { login = "idle", lastUsedAt = now.AddDays(1) } })), System.Net.HttpStatusCode.OK);
        _app.Clock.SetUtcNow(now.AddDays(181));
        await Register.PassAsync(_app);
        var again = await NotificationsAsync(hrApprover);

        Assert.That(before, Is.Empty, "179 days idle is not dormant");
        Assert.That(once, Is.EqualTo(new[] { "account:HR:idle" }));
        Assert.That(toFinance, Does.Not.Contain("account:HR:idle"), "HR is owned by JS Human Resources, not Finance");
        Assert.That(again, Is.EqualTo(new[] { "account:HR:idle", "account:HR:idle" }));
    }

    private static async Task<IReadOnlyList<string>> NotificationsAsync(TicketClient client) =>
        (await client.GetJsonAsync("/api/v1/notifications?limit=200"))["items"]!.AsArray()
        .Where(n => n!["type"]!.GetValue<string>() == "account.dormant").Select(n => n!["subject"]!.GetValue<string>()).ToList();
}
