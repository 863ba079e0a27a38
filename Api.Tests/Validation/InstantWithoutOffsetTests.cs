using System.Net;
using Itsm.Api.Tests.Accounts;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Validation;

/// <summary>
/// An instant written without an offset means UTC everywhere: in JSON bodies and query parameters as in the CSV import,
/// whatever time zone the service runs in. Each assertion holds only under that rule (the framework's defaults read such
/// text as the server's local time), so running these with <c>TZ=Asia/Shanghai</c> or <c>TZ=America/New_York</c> shows it.
/// </summary>
[TestFixture]
public sealed class InstantWithoutOffsetTests : ApiFixture
{
    [Test]
    public async Task ReportLastUsed_WithoutOffset_StoresTheInstantAsUtc()
    {
        await Register.ImportOkAsync(_given.ItManager, "ERP", Register.Header + "\nno-offset,无时区,财务部,GL-CLERK,Active,\n");
        using var integration = _app.As(Keys.HqIntegration);

        var reported = await integration.Http.PostAsync("/api/v1/systems/ERP/accounts:last-used", new StringContent(
            """[{"login":"no-offset","lastUsedAt":"2026-11-28T10:00:00"}]""", System.Text.Encoding.UTF8, "application/json"));
        await TicketClient.ExpectAsync(reported, HttpStatusCode.OK);

        var account = await Register.GetAsync(_given.ItManager, "ERP", "no-offset");
        Assert.That(DateTimeOffset.Parse(account["account"]!["lastUsedAt"]!.GetValue<string>()), Is.EqualTo(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task OpenAccessReview_DueByWithoutOffset_IsDueAtThatUtcInstant()
    {
        var opened = await _given.ItManager.PostJsonTextAsync("/api/v1/access-reviews", """{"system":"ERP","unit":"JS-NJ","dueBy":"2026-12-20T10:00:00"}""");
        await TicketClient.ExpectAsync(opened, HttpStatusCode.Created);

        var review = System.Text.Json.Nodes.JsonNode.Parse(await opened.Content.ReadAsStringAsync())!;
        Assert.That(DateTimeOffset.Parse(review["dueBy"]!.GetValue<string>()), Is.EqualTo(new DateTimeOffset(2026, 12, 20, 10, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task ReportLastUsed_NotAnIsoInstant_IsABadRequest()
    {
        await Register.ImportOkAsync(_given.ItManager, "ERP", Register.Header + "\nbad-instant,无时区,财务部,GL-CLERK,Active,\n");
        using var integration = _app.As(Keys.HqIntegration);

        var reported = await integration.Http.PostAsync("/api/v1/systems/ERP/accounts:last-used", new StringContent(
            """[{"login":"bad-instant","lastUsedAt":"28/11/2026 10:00"}]""", System.Text.Encoding.UTF8, "application/json"));

        await TicketClient.ExpectProblemAsync(reported, HttpStatusCode.BadRequest);
    }

    // The fake clock stands at 2026-12-01T01:00:00Z, when the ticket is created.
    [TestCase("createdFrom=2026-12-01T00:59:00&createdTo=2026-12-01T01:01:00", true)]
    [TestCase("createdFrom=2026-12-01T01:01:00", false)] // local in Shanghai: 2026-11-30T17:01Z, which would list it
    [TestCase("createdTo=2026-12-01T00:59:00", false)] // local in New York: 2026-12-01T05:59Z, which would list it
    public async Task ListTickets_CreatedRangeWithoutOffset_ComparesAsUtc(string query, bool listed)
    {
        var ticket = await _given.Requester.CreateAsync();

        var page = await _given.ItManager.GetJsonAsync("/api/v1/tickets?limit=200&" + query);

        var ids = page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>());
        Assert.That(ids.Contains(ticket.Id), Is.EqualTo(listed));
    }
}
