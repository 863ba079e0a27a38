using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Accounts;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Reports;

/// <summary>
/// The report's <c>accounts</c> section over a small register of HR at JS (a system without demo accounts), computed by hand:
/// January 2027 in Asia/Shanghai is [2026-12-31T16:00Z, 2027-01-31T16:00Z); dormant at its end means idle since at or
/// before the end minus 180 days, 2026-08-04T16:00Z (December's: 2026-07-04T16:00Z).
/// </summary>
[TestFixture]
public sealed class AccountFiguresTests
{
    private const string January = "unit=JS&from=2027-01-01&to=2027-02-01&system=HR";

    private ItsmApp _app = null!;
    private Given _given = null!;
    private JsonNode _report = null!;

    [OneTimeSetUp]
    public async Task BuildRegister()
    {
        _given = new Given(_app = new ItsmApp());
        using var hrApprover = _app.As(Keys.JsHrApprover);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero));
        // hr-old: idle an hour longer than 180 days at January's end (dormant); hr-edge: an hour less (not); hr-busy: used in December.
        await Register.ImportOkAsync(_given.ItManager, "HR", Register.Header +
            "\nhr-old,老账号,人事部,HR-CLERK,Active,2026-08-04T15:00:00Z\nhr-edge,边界账号,人事部,HR-CLERK,Active,2026-08-04T17:00:00Z" +
            "\nhr-busy,常用账号,人事部,HR-CLERK,Active,2026-12-15T00:00:00Z\n", unit: "JS");
        var completed = await OpenAsync(new DateTimeOffset(2027, 1, 5, 0, 0, 0, TimeSpan.Zero));
        var decemberOverdue = await OpenAsync(new DateTimeOffset(2026, 12, 25, 0, 0, 0, TimeSpan.Zero));
        await OpenAsync(new DateTimeOffset(2027, 1, 8, 0, 0, 0, TimeSpan.Zero));
        Assert.That(decemberOverdue, Is.Not.EqualTo(completed));

        // 26 Dec: the December review is overdue (previous period).
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 26, 0, 0, 0, TimeSpan.Zero));
        await Register.PassAsync(_app);
        // 3 Jan: every item of the first review kept: completed in January.
        _app.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 3, 0, 0, 0, TimeSpan.Zero));
        foreach (var login in new[] { "hr-old", "hr-edge", "hr-busy" })
            await TicketClient.ExpectAsync(await hrApprover.Http.PostAsJsonAsync($"/api/v1/access-reviews/{completed}/items/{login}",
                new { decision = "Keep", comment = "Still needed" }), HttpStatusCode.OK);
        // 9 Jan: the third review is overdue (this period).
        _app.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 9, 0, 0, 0, TimeSpan.Zero));
        await Register.PassAsync(_app);

        _app.Clock.SetUtcNow(new DateTimeOffset(2027, 2, 2, 0, 0, 0, TimeSpan.Zero));
        _report = await _given.ItManager.GetJsonAsync("/api/v1/reports/work?" + January);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _given.Dispose();
        _app.Dispose();
    }

    private async Task<long> OpenAsync(DateTimeOffset dueBy)
    {
        var response = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/access-reviews", new { system = "HR", unit = "JS", dueBy });
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
    }

    private static (int, int, int) Figures(JsonNode accounts) =>
        (accounts["dormantAtEnd"]!.GetValue<int>(), accounts["reviewsCompleted"]!.GetValue<int>(), accounts["reviewsOverdue"]!.GetValue<int>());

    [Test]
    public void Accounts_CountDormantAtTheEndAndReviewsCompletedAndOverdueInThePeriod() =>
        // hr-old only is dormant; the first review completed on 3 Jan; the third became overdue on 9 Jan (the second in December).
        Assert.That(Figures(_report["accounts"]!), Is.EqualTo((1, 1, 1)));

    [Test]
    public void Accounts_OfThePreviousMonth_CountDecembersFigures() =>
        // At December's end nobody had been idle 180 days; no review completed; the second review became overdue on 26 Dec.
        Assert.That(Figures(_report["previous"]!["accounts"]!), Is.EqualTo((0, 0, 1)));

    [Test]
    public void Accounts_HaveTheirDefinitions() =>
        Assert.That(_report["definitions"]!.AsObject().Select(d => d.Key),
            Is.SupersetOf(new[] { "accounts.dormantAtEnd", "accounts.reviewsCompleted", "accounts.reviewsOverdue" }));
}
