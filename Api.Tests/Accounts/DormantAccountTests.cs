using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Accounts;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.DependencyInjection;

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

        Assert.That(dormant, Is.EqualTo(new[] { "d181", "d180" }), "longest idle first");
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
        Assert.That(dormant, Is.EqualTo(new[] { "js029", "js030", "js028", "js027", "js026" }), "longest idle first, then by login");
    }

    [Test]
    public async Task List_DormantPages_WalkEveryDormantAccountOnce_LongestIdleFirstThenByLogin()
    {
        var now = _app.Clock.GetUtcNow();
        var lines = new List<string>();
        // Two accounts per idle instant (ties are broken by login), interleaved in login order with accounts in use.
        for (var i = 0; i < 12; i++)
        {
            lines.Add($"p{i:D2}a,Idle,,R,Active,{Register.Iso(now.AddDays(-300 + i * 5))}");
            lines.Add($"p{i:D2}b,Idle too,,R,Active,{Register.Iso(now.AddDays(-300 + i * 5))}");
            lines.Add($"p{i:D2}c,In use,,R,Active,{Register.Iso(now.AddDays(-i))}");
        }
        await Register.ImportOkAsync(_manager, "HR", Register.Header + "\n" + string.Join("\n", lines) + "\n");

        var walked = new List<string>();
        string? cursor = null;
        do
        {
            var page = await _manager.GetJsonAsync("/api/v1/systems/HR/accounts?dormant=true&limit=5" + (cursor is null ? "" : "&cursor=" + cursor));
            walked.AddRange(page["items"]!.AsArray().Select(a => a!["login"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);

        // Idle 180 days or longer: -300 + 5i <= -180, i.e. i <= 24 — all twelve pairs.
        Assert.That(walked, Is.EqualTo(Enumerable.Range(0, 12).SelectMany(i => new[] { $"p{i:D2}a", $"p{i:D2}b" })));
    }

    [Test]
    public async Task List_ACursorOfTheOtherListing_Is400()
    {
        var plain = (await _manager.GetJsonAsync("/api/v1/systems/ERP/accounts?limit=2"))["nextCursor"]!.GetValue<string>();
        var dormant = (await _manager.GetJsonAsync("/api/v1/systems/ERP/accounts?dormant=true&limit=2"))["nextCursor"]!.GetValue<string>();

        var plainAsDormant = await _manager.Http.GetAsync($"/api/v1/systems/ERP/accounts?dormant=true&cursor={plain}");
        var dormantAsPlain = await _manager.Http.GetAsync($"/api/v1/systems/ERP/accounts?cursor={dormant}");

        Assert.That((await TicketClient.ExpectProblemAsync(plainAsDormant, System.Net.HttpStatusCode.BadRequest))["errors"]!["cursor"], Is.Not.Null);
        Assert.That((await TicketClient.ExpectProblemAsync(dormantAsPlain, System.Net.HttpStatusCode.BadRequest))["errors"]!["cursor"], Is.Not.Null);
    }

    [Test]
    public async Task DormantPage_SeeksTheIdleIndexAfterItsCursor_WithoutSorting()
    {
        Assume.That(_app.Provider, Is.EqualTo(Itsm.Infrastructure.Sql.DatabaseProvider.Sqlite), "the query plan is SQLite's");
        var database = _app.Services.GetRequiredService<Database>();
        var sql = new AccountSql(database.Dialect).List(AccountFilters.Dormant | AccountFilters.After, 26);
        var now = _app.Clock.GetUtcNow();

        var plan = await database.ReadAsync(async (connection, token) => string.Join("\n", (await connection.QueryAsync<(long, long, long, string)>(
            new CommandDefinition("EXPLAIN QUERY PLAN " + sql, new
            {
                SystemId = "ERP", ScopeFrom = "/", ScopeTo = "0", Cutoff = now.AddDays(-180), AfterIdle = now.AddDays(-300), After = "js010",
            }, cancellationToken: token))).Select(r => r.Item4)), CancellationToken.None);

        Assert.That(plan, Does.Contain("USING INDEX IX_Accounts_Idle (SystemId=? AND (IdleSince,Login)>(?,?)"), plan);
        Assert.That(plan, Does.Not.Contain("TEMP B-TREE"), plan);
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
