using System.Net;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Tickets;

/// <summary>Time filters compare instants, whatever offset the caller writes them in.</summary>
[TestFixture]
public sealed class TimeFilterTests : ApiFixture
{
    // The fake clock stands at 2026-12-01T01:00:00Z, which is 09:00 in Shanghai and 20:00 the day before in New York.
    [TestCase("2026-12-01T08:30:00+08:00", "2026-12-01T09:30:00+08:00")]
    [TestCase("2026-11-30T19:30:00-05:00", "2026-11-30T20:30:00-05:00")]
    [TestCase("2026-12-01T00:30:00Z", "2026-12-01T01:30:00Z")]
    [TestCase("2026-12-01T08:30:00+08:00", "2026-12-01T01:30:00Z")]
    public async Task List_CreatedRangeInAnyOffset_FindsTheTicketCreatedInside(string from, string to)
    {
        var ticket = await _given.Requester.CreateAsync();

        var page = await _given.ItManager.GetJsonAsync($"/api/v1/tickets?createdFrom={Uri.EscapeDataString(from)}&createdTo={Uri.EscapeDataString(to)}");

        Assert.That(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()), Does.Contain(ticket.Id));
    }

    [TestCase("2026-12-01T09:30:00+08:00", null)]
    [TestCase(null, "2026-12-01T08:30:00+08:00")]
    [TestCase(null, "2026-11-30T19:59:59-05:00")]
    public async Task List_CreatedRangeInAnyOffset_LeavesOutTheTicketCreatedOutside(string? from, string? to)
    {
        var ticket = await _given.Requester.CreateAsync();
        var query = string.Join("&", new[] { ("createdFrom", from), ("createdTo", to) }.Where(p => p.Item2 is not null)
            .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

        var page = await _given.ItManager.GetJsonAsync("/api/v1/tickets?" + query);

        Assert.That(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()), Does.Not.Contain(ticket.Id));
    }

    [Test]
    public async Task List_CreatedFromAfterCreatedToAsInstants_IsAValidationProblem() =>
        await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.GetAsync(
            "/api/v1/tickets?createdFrom=" + Uri.EscapeDataString("2026-12-01T09:00:00+08:00") + "&createdTo=" + Uri.EscapeDataString("2026-12-01T00:30:00Z")),
            HttpStatusCode.BadRequest);
}
