using System.Net;
using System.Net.Http.Json;
using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Search;

/// <summary><c>GET /tickets?q=</c> on the embedded database: words and Chinese, comments and notes, scope, filters, paging.</summary>
[TestFixture]
public sealed class TicketSearchTests : ApiFixture
{
    /// <summary>A word no other test's ticket holds, so each test sees only its own tickets.</summary>
    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..10];

    private static object Ticket(string title, string description = "Steps: open ERP, post invoice, see error.", string system = "ERP") =>
        new { system, category = "ApplicationProblem", title, description, impact = "Individual", urgency = "Medium" };

    private static async Task<long[]> Found(TicketClient caller, string query)
    {
        var page = await caller.GetJsonAsync("/api/v1/tickets?" + query);
        return page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()).ToArray();
    }

    private static string Q(string text) => "q=" + Uri.EscapeDataString(text);

    [Test]
    public async Task Search_TwoCharacterChineseWord_FindsItInsideALongerRun()
    {
        var marker = Marker();
        var travel = await _given.Requester.CreateAsync(Ticket("差旅报销单无法提交", $"提交时提示错误 {marker}"));
        var other = await _given.Requester.CreateAsync(Ticket("报表打不开", $"月末报表 {marker}"));

        Assert.That(await Found(_given.ItManager, Q($"报销 {marker}")), Is.EqualTo(new[] { travel.Id }));
        Assert.That(await Found(_given.ItManager, Q($"报表 {marker}")), Is.EqualTo(new[] { other.Id }));
        Assert.That(await Found(_given.ItManager, Q($"无法提交 {marker}")), Is.EqualTo(new[] { travel.Id }));
        Assert.That(await Found(_given.ItManager, Q($"报单 {marker}")), Is.Empty, "报 and 单 are not next to each other");
    }

    [Test]
    public async Task Search_EnglishWords_MatchCaseInsensitivelyAndAllMustOccur()
    {
        var marker = Marker();
        var posting = await _given.Requester.CreateAsync(Ticket($"Invoice posting fails {marker}", "The ledger stays locked after month-end closing."));
        await _given.Requester.CreateAsync(Ticket($"Invoice printing fails {marker}", "The printer is offline."));

        Assert.That(await Found(_given.ItManager, Q($"LEDGER {marker}")), Is.EqualTo(new[] { posting.Id }), "a word of the description");
        Assert.That(await Found(_given.ItManager, Q($"invoice locked {marker}")), Is.EqualTo(new[] { posting.Id }), "title and description together");
        Assert.That(await Found(_given.ItManager, Q($"printer ledger {marker}")), Is.Empty, "every word must occur");
        Assert.That(await Found(_given.ItManager, Q($"month-end {marker}")), Is.EqualTo(new[] { posting.Id }));
    }

    [Test]
    public async Task Search_TicketNumber_FindsItWholeAndByItsSequence()
    {
        var ticket = await _given.Requester.CreateAsync(Ticket("Number search " + Marker()));
        var sequence = ticket.Number.Split('-')[^1];

        Assert.That(await Found(_given.ItManager, Q(ticket.Number)), Is.EqualTo(new[] { ticket.Id }));
        Assert.That(await Found(_given.ItManager, Q(ticket.Number.ToLowerInvariant())), Is.EqualTo(new[] { ticket.Id }));
        Assert.That(await Found(_given.ItManager, Q(sequence + " number search")), Does.Contain(ticket.Id));
    }

    [Test]
    public async Task Search_WordOfAPublicComment_FindsTheTicketForItsRequester()
    {
        var marker = Marker();
        var ticket = await _given.Requester.CreateAsync(Ticket($"Comment search {marker}"));
        Assert.That(await Found(_given.Requester, Q($"screenshot {marker}")), Is.Empty);

        var added = await _given.Engineer.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments",
            new { body = "Please attach a screenshot of the 凭证过账 error.", visibility = "Public" });
        await TicketClient.ExpectAsync(added, HttpStatusCode.Created);

        Assert.That(await Found(_given.Requester, Q($"screenshot {marker}")), Is.EqualTo(new[] { ticket.Id }));
        Assert.That(await Found(_given.Requester, Q($"过账 {marker}")), Is.EqualTo(new[] { ticket.Id }));
    }

    [Test]
    public async Task Search_WordOfAnInternalNote_IsFoundByStaffButNeverByTheRequester()
    {
        var marker = Marker();
        var ticket = await _given.Requester.CreateAsync(Ticket($"Note search {marker}"));
        var added = await _given.Engineer.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments",
            new { body = "Root cause: wangli's posting lock, 手工解锁", visibility = "Internal" });
        await TicketClient.ExpectAsync(added, HttpStatusCode.Created);

        Assert.That(await Found(_given.Engineer, Q($"wangli {marker}")), Is.EqualTo(new[] { ticket.Id }));
        Assert.That(await Found(_given.ServiceDesk, Q($"解锁 {marker}")), Is.EqualTo(new[] { ticket.Id }));
        Assert.That(await Found(_given.Requester, Q($"wangli {marker}")), Is.Empty);
        Assert.That(await Found(_given.Requester, Q($"解锁 {marker}")), Is.Empty);
        Assert.That(await Found(_given.Approver, Q($"wangli {marker}")), Is.Empty, "business approvers do not read work notes either");
        Assert.That(await Found(_given.Requester, Q($"note {marker}")), Is.EqualTo(new[] { ticket.Id }), "the title still finds it");
    }

    [Test]
    public async Task Search_AnotherProvincesTicket_IsNeverFound()
    {
        var marker = Marker();
        using var zjRequester = _app.As(Keys.ZjRequester);
        using var zjManager = _app.As(Keys.ZjItManager);
        using var hqManager = _app.As(Keys.HqItManager);
        var zj = await zjRequester.CreateAsync(Ticket($"浙江 差旅报销 {marker}"));
        var js = await _given.Requester.CreateAsync(Ticket($"江苏 差旅报销 {marker}"));

        Assert.That(await Found(_given.ItManager, Q($"报销 {marker}")), Is.EqualTo(new[] { js.Id }));
        Assert.That(await Found(_given.Engineer, Q($"浙江 {marker}")), Is.Empty);
        Assert.That(await Found(zjManager, Q($"报销 {marker}")), Is.EqualTo(new[] { zj.Id }));
        Assert.That(await Found(hqManager, Q($"报销 {marker}")), Is.EqualTo(new[] { js.Id, zj.Id }), "headquarters sees both, newest first");
    }

    [Test]
    public async Task Search_WithStatusAndSystemFilters_ReturnsOnlyTicketsMatchingBoth()
    {
        var marker = Marker();
        var erpNew = await _given.Requester.CreateAsync(Ticket($"Login fails {marker}"));
        var erpStarted = await _given.Requester.CreateAsync(Ticket($"Login fails {marker}"));
        await _given.ServiceDesk.ActOkAsync(erpStarted.Id, "triage", new { group = "JS-L2SYS" });
        await _given.Engineer.ActOkAsync(erpStarted.Id, "start");
        var hr = await _given.Requester.CreateAsync(Ticket($"Login fails {marker}", system: "HR"));

        Assert.That(await Found(_given.ItManager, Q($"login {marker}") + "&status=InProgress&system=ERP"), Is.EqualTo(new[] { erpStarted.Id }));
        Assert.That(await Found(_given.ItManager, Q($"login {marker}") + "&status=New"), Is.EqualTo(new[] { hr.Id, erpNew.Id }));
        Assert.That(await Found(_given.ItManager, Q($"login {marker}") + "&system=HR"), Is.EqualTo(new[] { hr.Id }));
        Assert.That(await Found(_given.ItManager, Q($"login {marker}") + "&text=nothing-like-this"), Is.Empty, "and the title filter too");
    }

    [Test]
    public async Task Search_PagingWithTheCursor_VisitsEveryMatchOnceNewestFirst()
    {
        var marker = Marker();
        var ids = new List<long>();
        for (var i = 0; i < 8; i++) ids.Add((await _given.Requester.CreateAsync(Ticket($"系统登录失败 {marker} {i}"))).Id);
        await _given.Requester.CreateAsync(Ticket($"Unrelated {marker}"));

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _given.ItManager.GetJsonAsync($"/api/v1/tickets?limit=3&{Q($"登录 {marker}")}" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null && pages < 10);

        Assert.That(seen, Is.EqualTo(ids.AsEnumerable().Reverse().ToArray()));
        Assert.That(pages, Is.EqualTo(3));
    }

    [Test]
    public async Task Search_AfterResolve_FindsTheResolutionText()
    {
        var marker = Marker();
        var ticket = await _given.Requester.CreateAsync(Ticket($"Resolution search {marker}"));
        await _given.ServiceDesk.ActOkAsync(ticket.Id, "triage", new { group = "JS-L2SYS" });
        await _given.Engineer.ActOkAsync(ticket.Id, "start");
        Assert.That(await Found(_given.Requester, Q($"cache {marker}")), Is.Empty);

        await _given.Engineer.ActOkAsync(ticket.Id, "resolve", new { code = "Fixed", resolution = "Cleared the client cache; 重新登录后正常" });

        Assert.That(await Found(_given.Requester, Q($"cache {marker}")), Is.EqualTo(new[] { ticket.Id }));
        Assert.That(await Found(_given.Requester, Q($"重新登录 {marker}")), Is.EqualTo(new[] { ticket.Id }));
    }

    [Test]
    public async Task Search_QueryWithSearchSyntax_IsPlainText()
    {
        var marker = Marker();
        var ticket = await _given.Requester.CreateAsync(Ticket($"Printer OR scanner NEAR desk {marker}", "col: x y"));

        foreach (var q in new[]
                 {
                     $"\"{marker}\" OR NEAR* (desk) -printer", $"{marker} NEAR(printer desk)", $"{marker}*", $"\"{marker}", $"{{col}}: {marker}",
                     $"\u0001{marker}\u0007", $"{marker} ^x +y", $"'{marker}'; --",
                 })
        {
            Assert.That(await Found(_given.ItManager, Q(q)), Is.EqualTo(new[] { ticket.Id }), q);
        }
        Assert.That(await Found(_given.ItManager, Q($"{marker} OR nothing")), Is.Empty, "OR is a word, and all words must occur");
        Assert.That(await Found(_given.ItManager, Q($"{marker} -printer")), Is.EqualTo(new[] { ticket.Id }), "a hyphen does not exclude");
    }

    [TestCase("***")]
    [TestCase("\"\" () - : ^")]
    [TestCase("\u0001\u0002")]
    [TestCase(" ")]
    public async Task Search_QueryWithoutAWord_Is400(string q)
    {
        var response = await _given.ItManager.Http.GetAsync("/api/v1/tickets?" + Q(q));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!["q"], Is.Not.Null);
    }

    [Test]
    public async Task Search_WordWithCombiningMarks_IsFoundWholeButNotByAFragment()
    {
        // Devanagari vowel signs and viramas are combining marks: the word is हिन्दी, as SQL Server's term table keeps it.
        var marker = Marker();
        var ticket = await _given.Requester.CreateAsync(Ticket($"हिन्दी भाषा {marker}"));

        Assert.That(await Found(_given.ItManager, Q($"हिन्दी {marker}")), Is.EqualTo(new[] { ticket.Id }));
        Assert.That(await Found(_given.ItManager, Q($"हि {marker}")), Is.Empty);
        Assert.That(await Found(_given.ItManager, Q($"ह {marker}")), Is.Empty);
    }

    [TestCase("q=%FF")]
    [TestCase("q=%ED%A0%80")]
    [TestCase("q=ok&status=%C0%AF")]
    [TestCase("%FF=1")]
    public async Task Search_QueryStringThatIsNotUtf8_Is400(string query)
    {
        var response = await _given.ItManager.Http.GetAsync("/api/v1/tickets?" + query);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("not valid UTF-8"));
    }

    [Test]
    public async Task Search_PercentEncodedUtf8AndLiteralPercent_AreSearchedAsText()
    {
        var marker = Marker();
        var ticket = await _given.Requester.CreateAsync(Ticket($"报销 100% {marker}"));

        Assert.That(await Found(_given.ItManager, "q=%E6%8A%A5%E9%94%80%20" + marker), Is.EqualTo(new[] { ticket.Id }));
        Assert.That(await Found(_given.ItManager, "q=100%25%20" + marker), Is.EqualTo(new[] { ticket.Id }));
    }

    [Test]
    public async Task Search_QueryOver200Characters_Is400AndAt200IsSearched()
    {
        var tooLong = await _given.ItManager.Http.GetAsync("/api/v1/tickets?" + Q(new string('报', 201)));
        var problem = await TicketClient.ExpectProblemAsync(tooLong, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!["q"], Is.Not.Null);

        var longest = await _given.ItManager.Http.GetAsync("/api/v1/tickets?" + Q(string.Concat(Enumerable.Repeat("差旅报销单无法提交 ", 20))));
        await TicketClient.ExpectAsync(longest, HttpStatusCode.OK);
    }

    [Test]
    public async Task Search_TwoCharacterWord_UsesTheIndexNotAScanOfTickets()
    {
        var marker = Marker();
        var ticket = await _given.Requester.CreateAsync(Ticket("差旅报销单无法提交", marker));
        var database = _app.Services.GetRequiredService<Database>();
        Assume.That(database.Dialect.Provider, Is.EqualTo(DatabaseProvider.Sqlite));
        var sql = new TicketSql(database.Dialect).List(false, ListFilters.Search, 25);
        var args = new { ScopeFrom = "/HQ/", ScopeTo = "/HQ0", Search = Itsm.Infrastructure.Search.SearchIndex.MatchExpression(["报销", marker], false) };

        await using var connection = new SqliteConnection($"Data Source={database.SqliteFile}");
        var plan = string.Join("\n", (await connection.QueryAsync<(long, long, long, string Detail)>("EXPLAIN QUERY PLAN " + sql, args)).Select(r => r.Detail));
        var ids = (await connection.QueryAsync<long>("SELECT Id FROM (" + sql + ")", args)).ToList();

        Assert.That(ids, Is.EqualTo(new[] { ticket.Id }));
        Assert.That(plan, Does.Contain("VIRTUAL TABLE INDEX").And.Contain("TicketSearch"), plan);
        Assert.That(plan, Does.Not.Contain("SCAN Tickets"), plan);
    }

    [Test]
    public async Task IndexUnindexed_TicketsFromBeforeTheIndex_BecomeSearchable()
    {
        var marker = Marker();
        var ticket = await _given.Requester.CreateAsync(Ticket($"Backfill {marker}"));
        var comment = await _given.Engineer.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = "门禁卡 reissued", visibility = "Public" });
        await TicketClient.ExpectAsync(comment, HttpStatusCode.Created);
        var database = _app.Services.GetRequiredService<Database>();
        Assume.That(database.Dialect.Provider, Is.EqualTo(DatabaseProvider.Sqlite));
        await database.WriteAsync((connection, transaction, ct) =>
            connection.ExecuteAsync(new CommandDefinition("DELETE FROM TicketSearch WHERE rowid = @Id", new { ticket.Id }, transaction, cancellationToken: ct)),
            CancellationToken.None);
        Assert.That(await Found(_given.ItManager, Q($"backfill {marker}")), Is.Empty);

        var indexed = await _app.Services.GetRequiredService<TicketStore>().IndexUnindexedAsync(CancellationToken.None);

        Assert.That(indexed, Is.EqualTo(1));
        Assert.That(await Found(_given.ItManager, Q($"backfill {marker}")), Is.EqualTo(new[] { ticket.Id }));
        Assert.That(await Found(_given.Requester, Q($"门禁 reissued {marker}")), Is.EqualTo(new[] { ticket.Id }));
    }
}
