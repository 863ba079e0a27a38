using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Accounts;

/// <summary>Access reviews: opened with one item per Active account, decided by the owning department, Completed or Overdue, Revoke → ticket.</summary>
[TestFixture]
public sealed class AccessReviewTests : ApiPerTestFixture
{
    private async Task<JsonNode> OpenAsync(string unit = "JS-NJ", double dueInDays = 14)
    {
        var response = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/access-reviews",
            new { system = "ERP", unit, dueBy = _app.Clock.GetUtcNow().AddDays(dueInDays) });
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static Task<HttpResponseMessage> DecideAsync(TicketClient client, long review, string login, string decision, string? comment = "Still needed") =>
        client.Http.PostAsJsonAsync($"/api/v1/access-reviews/{review}/items/{login}", new { decision, comment });

    private static IEnumerable<string> Logins(JsonNode review) => review["items"]!.AsArray().Select(i => i!["login"]!.GetValue<string>());

    [Test]
    public async Task Open_ByItManager_HasOneItemPerActiveAccountOfTheSystemInTheUnitSubtree()
    {
        await Register.ImportOkAsync(_given.ItManager, "ERP", Register.Header + "\nnj-off,停用账号,,GL-CLERK,Disabled,\n", unit: "JS-NJ");

        var nanjing = await OpenAsync("JS-NJ");
        var province = await OpenAsync("JS");

        Assert.That(Logins(nanjing), Is.EqualTo(Enumerable.Range(0, 30).Where(i => i % 3 == 2).Select(i => $"js{i + 1:D3}")), "Nanjing's accounts, not the disabled one");
        Assert.That(Logins(province).Count(), Is.EqualTo(30));
        Assert.That(nanjing["department"]!.GetValue<string>(), Is.EqualTo("JS-FIN"));
        Assert.That(nanjing["state"]!.GetValue<string>(), Is.EqualTo("Open"));
    }

    [Test]
    public async Task Open_ByAnApprover_Returns403()
    {
        var response = await _given.Approver.Http.PostAsJsonAsync("/api/v1/access-reviews",
            new { system = "ERP", dueBy = _app.Clock.GetUtcNow().AddDays(14) });
        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Decide_ByAnyoneButTheOwningDepartmentsApprover_IsRefusedAndChangesNothing()
    {
        var id = (await OpenAsync())["id"]!.GetValue<long>();
        using var hrApprover = _app.As(Keys.JsHrApprover);
        using var zjApprover = _app.As(Keys.ZjApprover);

        var byHr = await DecideAsync(hrApprover, id, "js003", "Keep");
        var byEngineer = await DecideAsync(_given.Engineer, id, "js003", "Keep");
        var byZj = await DecideAsync(zjApprover, id, "js003", "Keep");
        var review = await _given.ItManager.GetJsonAsync($"/api/v1/access-reviews/{id}");

        await TicketClient.ExpectProblemAsync(byHr, HttpStatusCode.Forbidden);
        await TicketClient.ExpectProblemAsync(byEngineer, HttpStatusCode.Forbidden);
        await TicketClient.ExpectProblemAsync(byZj, HttpStatusCode.NotFound);
        Assert.That(review["decided"]!.GetValue<int>(), Is.Zero);
    }

    [Test]
    public async Task Decide_EveryItemKept_CompletesTheReviewOnceAndTheCsvListsTheDecisions()
    {
        var review = await OpenAsync();
        var id = review["id"]!.GetValue<long>();

        foreach (var login in Logins(review)) await TicketClient.ExpectAsync(await DecideAsync(_given.Approver, id, login, "Keep"), HttpStatusCode.OK);
        var twice = await DecideAsync(_given.Approver, id, "js003", "Revoke");
        var done = await _given.ItManager.GetJsonAsync($"/api/v1/access-reviews/{id}");
        var csv = await (await Register.CsvAsync(_given.ItManager, $"/api/v1/access-reviews/{id}")).Content.ReadAsStringAsync();

        Assert.That(done["state"]!.GetValue<string>(), Is.EqualTo("Completed"));
        Assert.That(done["completedAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(_app.Clock.GetUtcNow()));
        await TicketClient.ExpectProblemAsync(twice, HttpStatusCode.Conflict);
        Assert.That(csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(11));
        Assert.That(csv, Does.Contain("js003,").And.Contain(",Keep,Still needed,js-approver,"));
    }

    [Test]
    public async Task Scheduler_ReviewPastItsDueTime_MarksItOverdueOnceAndNotifiesTheOwningDepartment()
    {
        var id = (await OpenAsync(dueInDays: 1))["id"]!.GetValue<long>();

        _app.Clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        var early = await Register.PassAsync(_app);
        _app.Clock.Advance(TimeSpan.FromSeconds(2));
        var due = await Register.PassAsync(_app);
        var again = await Register.PassAsync(_app);
        var review = await _given.ItManager.GetJsonAsync($"/api/v1/access-reviews/{id}");
        var notifications = (await _given.Approver.GetJsonAsync("/api/v1/notifications?limit=200"))["items"]!.AsArray()
            .Where(n => n!["type"]!.GetValue<string>() == "access-review.overdue").ToList();
        var overdueList = await _given.ItManager.GetJsonAsync("/api/v1/access-reviews?state=Overdue&system=ERP");

        Assert.That((early.ReviewsOverdue, due.ReviewsOverdue, again.ReviewsOverdue), Is.EqualTo((0, 1, 0)));
        Assert.That(review["state"]!.GetValue<string>(), Is.EqualTo("Overdue"));
        Assert.That(review["overdueAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(_app.Clock.GetUtcNow()));
        Assert.That(notifications.Select(n => n!["subject"]!.GetValue<string>()), Is.EqualTo(new[] { $"access-review:{id}" }));
        Assert.That(overdueList["items"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()), Is.EqualTo(new[] { id }));
    }

    [Test]
    public async Task Decide_Revoke_RaisesOneSystemChangeWithACompletePlanThatTheDeciderMayApproveAndTheEngineerImplements()
    {
        var id = (await OpenAsync())["id"]!.GetValue<long>();

        await TicketClient.ExpectAsync(await DecideAsync(_given.Approver, id, "js003", "Revoke", "Left the company in October"), HttpStatusCode.OK);
        var item = (await _given.ItManager.GetJsonAsync($"/api/v1/access-reviews/{id}"))["items"]!.AsArray().Single(i => i!["login"]!.GetValue<string>() == "js003")!;
        var ticketId = item["ticket"]!.GetValue<long>();
        var raised = await _given.ServiceDesk.GetTicketAsync(ticketId);
        await _given.ServiceDesk.ActOkAsync(ticketId, "triage", new { group = "JS-L2SYS" });
        await _given.Engineer.ActOkAsync(ticketId, "start");
        await _given.Engineer.ActOkAsync(ticketId, "request-approval", new { assessment = new { risk = "Low", impact = "One account disabled" } });
        var approved = await _given.Approver.ActAsync(ticketId, "approve", new { comment = "As decided in the review" });
        var byDecider = await _given.Approver.ActAsync(ticketId, "resolve", new { code = "ChangeImplemented", resolution = "Disabled", testResult = "Login refused" });
        await _given.Engineer.ActOkAsync(ticketId, "resolve", new
        {
            code = "ChangeImplemented", resolution = "Disabled the account", testResult = "Login as js003 refused",
            accountChanges = new[] { new { login = "js003", op = "Disable" } },
        });
        var account = await Register.GetAsync(_given.ItManager, "ERP", "js003");

        Assert.That((raised.Requester, raised.RaisedBy, raised.Category, raised.Unit), Is.EqualTo(("system", "system", Category.AccountPermission, "JS-NJ")));
        Assert.That(raised.Plan!.What, Does.Contain("js003").And.Contain("Left the company in October"));
        Assert.That(new[] { raised.Plan.Transport, raised.Plan.Backup, raised.Plan.Test, raised.Plan.Rollback }, Has.None.Null);
        Assert.That(raised.Plan.Backup, Does.Contain("AR-CLERK"));
        Assert.That(item["proposedAccountChanges"]![0]!["op"]!.GetValue<string>(), Is.EqualTo("Disable"));
        await TicketClient.ExpectAsync(approved, HttpStatusCode.OK);
        await TicketClient.ExpectProblemAsync(byDecider, HttpStatusCode.Forbidden);
        Assert.That(account["account"]!["status"]!.GetValue<string>(), Is.EqualTo("Disabled"));
        Assert.That(account["history"]!.AsArray()[^1]!["ticket"]!.GetValue<long>(), Is.EqualTo(ticketId));
    }

    [TestCase("", TestName = "Decide_RevokeWithAnEmptyComment_Returns400AndDecidesNothing")]
    [TestCase("   ", TestName = "Decide_RevokeWithABlankComment_Returns400AndDecidesNothing")]
    public async Task Decide_RevokeWithoutAComment_Returns400AndDecidesNothing(string comment)
    {
        var id = (await OpenAsync())["id"]!.GetValue<long>();

        var response = await DecideAsync(_given.Approver, id, "js003", "Revoke", comment);

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        var review = await _given.ItManager.GetJsonAsync($"/api/v1/access-reviews/{id}");
        var item = review["items"]!.AsArray().Single(i => i!["login"]!.GetValue<string>() == "js003")!;
        Assert.That(item["decision"], Is.Null);
    }
}

/// <summary>With Accounts:ReviewEvery = Quarter the scheduler opens each quarter's reviews itself, once per system and owner unit.</summary>
[TestFixture]
public sealed class QuarterlyReviewTests
{
    [Test]
    public async Task Scheduler_QuarterlyReviews_OpensOnePerSystemAndOwnerUnitEachQuarterAndNoneTwice()
    {
        using var app = new ItsmApp(new Dictionary<string, string?> { ["Accounts:ReviewEvery"] = "Quarter", ["Accounts:ReviewDays"] = "30" });
        using var manager = app.As(Keys.JsItManager);

        var first = await Register.PassAsync(app);
        var again = await Register.PassAsync(app);
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 1, 0, 0, 1, TimeSpan.Zero));
        var nextQuarter = await Register.PassAsync(app);
        var erpAtJs = (await manager.GetJsonAsync("/api/v1/access-reviews?system=ERP"))["items"]!.AsArray();

        Assert.That(first.ReviewsOpened, Is.GreaterThan(0));
        Assert.That(again.ReviewsOpened, Is.Zero);
        Assert.That(nextQuarter.ReviewsOpened, Is.EqualTo(first.ReviewsOpened));
        Assert.That(erpAtJs.Select(r => r!["period"]!.GetValue<string>()), Is.EqualTo(new[] { "2027-Q1", "2026-Q4" }));
        Assert.That(erpAtJs[1]!["total"]!.GetValue<int>(), Is.EqualTo(30));
        Assert.That(erpAtJs[1]!["dueBy"]!.GetValue<DateTimeOffset>(), Is.EqualTo(new DateTimeOffset(2026, 12, 31, 1, 0, 0, TimeSpan.Zero)));
    }
}
