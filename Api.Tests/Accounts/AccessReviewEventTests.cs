using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Accounts;

/// <summary>An access review's completion and its overdue are published as webhook events through the outbox.</summary>
[TestFixture]
public sealed class AccessReviewEventTests
{
    private ItsmApp _app = null!;
    private Given _given = null!;
    private WireMockServer _receiver = null!;

    [SetUp]
    public void Start()
    {
        _receiver = WireMockServer.Start();
        _receiver.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        _given = new Given(_app = new ItsmApp());
    }

    [TearDown]
    public void Stop()
    {
        _given.Dispose();
        _app.Dispose();
        _receiver.Stop();
    }

    private async Task<long> OpenAsync(double dueInDays)
    {
        var response = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/access-reviews",
            new { system = "ERP", unit = "JS-NJ", dueBy = _app.Clock.GetUtcNow().AddDays(dueInDays) });
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
    }

    private async Task<List<JsonNode>> DeliveredAsync()
    {
        var subscribed = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks",
            new { url = _receiver.Url + "/hook", events = new[] { "access-review.completed", "access-review.overdue" } });
        await TicketClient.ExpectAsync(subscribed, HttpStatusCode.Created);
        await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);
        await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);
        return _receiver.LogEntries.Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).ToList();
    }

    [Test]
    public async Task Decide_LastItem_PublishesAccessReviewCompleted()
    {
        var id = await OpenAsync(14);
        var review = await _given.ItManager.GetJsonAsync($"/api/v1/access-reviews/{id}");
        foreach (var login in review["items"]!.AsArray().Select(i => i!["login"]!.GetValue<string>()))
            await TicketClient.ExpectAsync(await _given.Approver.Http.PostAsJsonAsync($"/api/v1/access-reviews/{id}/items/{login}",
                new { decision = "Keep", comment = "Still needed" }), HttpStatusCode.OK);

        var events = await DeliveredAsync();

        var completed = events.Single();
        Assert.That((completed["type"]!.GetValue<string>(), completed["actor"]!.GetValue<string>()),
            Is.EqualTo(("access-review.completed", "js-approver")));
        var body = completed["accessReview"]!;
        Assert.That((body["id"]!.GetValue<long>(), body["system"]!.GetValue<string>(), body["unit"]!.GetValue<string>(),
            body["department"]!.GetValue<string>(), body["state"]!.GetValue<string>()), Is.EqualTo((id, "ERP", "JS-NJ", "JS-FIN", "Completed")));
    }

    [Test]
    public async Task Scheduler_ReviewPastItsDueTime_PublishesAccessReviewOverdueOnce()
    {
        var id = await OpenAsync(1);
        _app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await Register.PassAsync(_app);
        await Register.PassAsync(_app);

        var events = await DeliveredAsync();

        var overdue = events.Single();
        Assert.That((overdue["type"]!.GetValue<string>(), overdue["actor"]!.GetValue<string>()), Is.EqualTo(("access-review.overdue", "system")));
        Assert.That((overdue["accessReview"]!["id"]!.GetValue<long>(), overdue["accessReview"]!["state"]!.GetValue<string>()), Is.EqualTo((id, "Overdue")));
    }
}
