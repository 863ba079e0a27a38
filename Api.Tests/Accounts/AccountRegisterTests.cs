using System.Net;
using System.Net.Http.Json;
using System.Text;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Accounts;

/// <summary>The register: imported all or nothing, listed and exported in scope, kept up to date by reported uses.</summary>
[TestFixture]
public sealed class AccountRegisterTests
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

    [Test]
    public async Task Import_ChineseCsv_ListsAccountsAndExportRoundTripsIntoAnotherSystem()
    {
        var csv = Register.Header + "\r\n" +
                  "zhangsan,张三,人力资源部,HR-CLERK;HR-VIEWER,Active,2026-11-30T08:00:00Z\r\n" +
                  "lisi,\"李四, 薪酬\",人力资源部,HR-PAYROLL,Disabled,\r\n";
        await Register.ImportOkAsync(_manager, "HR", csv);

        var items = await Register.ListAsync(_manager, "HR");
        var export = await Register.CsvAsync(_manager, "/api/v1/systems/HR/accounts");
        var bytes = await export.Content.ReadAsByteArrayAsync();
        await Register.ImportOkAsync(_manager, "ESB", Encoding.UTF8.GetString(bytes));
        var copied = await Register.ListAsync(_manager, "ESB");

        Assert.That(items.Select(i => i!["login"]!.GetValue<string>()), Is.EqualTo(new[] { "lisi", "zhangsan" }));
        Assert.That(items[1]!["holder"]!.GetValue<string>(), Is.EqualTo("张三"));
        Assert.That(items[1]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "HR-CLERK", "HR-VIEWER" }));
        Assert.That(items[0]!["status"]!.GetValue<string>(), Is.EqualTo("Disabled"));
        Assert.That(export.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "UTF-8 with a byte order mark, for Excel");
        Assert.That(copied.Select(i => (i!["login"]!.GetValue<string>(), i["holder"]!.GetValue<string>(), i["status"]!.GetValue<string>())),
            Is.EqualTo(items.Select(i => (i!["login"]!.GetValue<string>(), i["holder"]!.GetValue<string>(), i["status"]!.GetValue<string>()))));
        Assert.That(copied[1]!["lastUsedAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task Import_BadLines_Returns422ListingEachLineAndReasonAndImportsNothing()
    {
        var csv = Register.Header + "\n" +
                  "ok1,Good,,R1,Active,\n" +
                  "bad1,Bad status,,R1,Gone,\n" +
                  "ok2,Good,,R1,Active,\n" +
                  "bad2,Bad date,,R1,Active,yesterday\n" +
                  $"{new string('x', 65)},Too long,,R1,Active,\n" +
                  "ok1,Twice,,R1,Active,\n";

        var response = await Register.ImportAsync(_manager, "HR", csv);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var lines = problem["errors"]!.AsArray().Select(e => e!["line"]!.GetValue<int>()).ToList();
        Assert.That(lines, Is.EqualTo(new[] { 3, 5, 6, 7 }));
        Assert.That(problem["errors"]![3]!["reason"]!.GetValue<string>(), Does.Contain("line 2"));
        Assert.That(await Register.ListAsync(_manager, "HR"), Is.Empty);
    }

    [Test]
    public async Task Import_LoginAlreadyRegisteredInAnyCase_Returns422AndImportsNothing()
    {
        await Register.ImportOkAsync(_manager, "HR", Register.Header + "\nwangwu,王五,,R1,Active,\n");

        var response = await Register.ImportAsync(_manager, "HR", Register.Header + "\nzhaoliu,赵六,,R1,Active,\nWANGWU,王五,,R1,Active,\n");

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("wangwu").IgnoreCase);
        Assert.That((await Register.ListAsync(_manager, "HR")).Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Import_LargerThanTheGlobalBodyLimit_IsAccepted()
    {
        var csv = new StringBuilder(Register.Header + "\n");
        for (var i = 0; csv.Length < 1_500_000; i++) csv.Append($"user{i:D6},Holder number {i} with a long name,Department,ROLE-A;ROLE-B;ROLE-C,Active,\n");

        var response = await Register.ImportAsync(_manager, "HR", csv.ToString());

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
    }

    [Test]
    public async Task Import_ByAnEngineer_Returns403()
    {
        using var engineer = _app.As(Keys.JsEngineer);
        var response = await Register.ImportAsync(engineer, "HR", Register.Header + "\nx,X,,R,Active,\n");
        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task List_CallerOfAnotherProvince_SeesNoneOfTheseAccountsAndGets404ForOne()
    {
        await Register.ImportOkAsync(_manager, "HR", Register.Header + "\nzhangsan,张三,,R1,Active,\n");
        using var zj = _app.As(Keys.ZjItManager);
        using var hq = _app.As(Keys.HqItManager);

        var seenByZj = await Register.ListAsync(zj, "HR");
        var one = await zj.Http.GetAsync("/api/v1/systems/HR/accounts/zhangsan");
        var seenByHq = await Register.ListAsync(hq, "HR");

        Assert.That(seenByZj, Is.Empty);
        await TicketClient.ExpectProblemAsync(one, HttpStatusCode.NotFound);
        Assert.That(seenByHq.Count, Is.EqualTo(1), "headquarters' scope holds every unit");
    }

    [Test]
    public async Task List_ThreePagesWithCursor_ReturnsEveryAccountOnceInLoginOrder()
    {
        var csv = Register.Header + "\n" + string.Concat(Enumerable.Range(0, 7).Select(i => $"u{i},Holder {i},,R,Active,\n"));
        await Register.ImportOkAsync(_manager, "HR", csv);

        var logins = new List<string>();
        string? cursor = null;
        do
        {
            var page = await _manager.GetJsonAsync("/api/v1/systems/HR/accounts?limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            logins.AddRange(page["items"]!.AsArray().Select(i => i!["login"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);

        Assert.That(logins, Is.EqualTo(Enumerable.Range(0, 7).Select(i => $"u{i}")));
    }

    [Test]
    public async Task LastUsed_ByIntegration_RecordsLaterUsesOnlyAndNamesUnknownLogins()
    {
        await Register.ImportOkAsync(_manager, "HR", Register.Header + "\nzhangsan,张三,,R1,Active,2026-11-20T00:00:00Z\n");
        using var integration = _app.As(Keys.HqIntegration);

        var later = await integration.Http.PostAsJsonAsync("/api/v1/systems/HR/accounts:last-used", new[]
        {
            new { login = "zhangsan", lastUsedAt = "2026-11-30T09:00:00Z" }, new { login = "nobody", lastUsedAt = "2026-11-30T09:00:00Z" },
        });
        var earlier = await integration.Http.PostAsJsonAsync("/api/v1/systems/HR/accounts:last-used", new[]
        {
            new { login = "zhangsan", lastUsedAt = "2026-11-25T09:00:00Z" },
        });
        var byManager = await _manager.Http.PostAsJsonAsync("/api/v1/systems/HR/accounts:last-used", Array.Empty<object>());
        var account = await Register.GetAsync(_manager, "HR", "zhangsan");

        await TicketClient.ExpectAsync(later, HttpStatusCode.OK);
        Assert.That((await later.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!["unknown"]!.AsArray().Single()!.GetValue<string>(),
            Is.EqualTo("nobody"));
        await TicketClient.ExpectAsync(earlier, HttpStatusCode.OK);
        await TicketClient.ExpectProblemAsync(byManager, HttpStatusCode.Forbidden);
        Assert.That(account["account"]!["lastUsedAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task LastUsed_LoginLongerThanItsColumn_Returns400()
    {
        using var integration = _app.As(Keys.HqIntegration);
        var response = await integration.Http.PostAsJsonAsync("/api/v1/systems/HR/accounts:last-used",
            new[] { new { login = new string('x', 65), lastUsedAt = "2026-11-30T09:00:00Z" } });
        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Get_ImportedAccount_ShowsItsImportInTheHistory()
    {
        await Register.ImportOkAsync(_manager, "HR", Register.Header + "\nzhangsan,张三,,R1,Active,\n");

        var account = await Register.GetAsync(_manager, "HR", "zhangsan");

        var entry = account["history"]!.AsArray().Single()!;
        Assert.That(entry["change"]!.GetValue<string>(), Is.EqualTo("Import"));
        Assert.That(entry["actor"]!.GetValue<string>(), Is.EqualTo("js-itmanager"));
    }
}
