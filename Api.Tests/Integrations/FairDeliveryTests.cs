using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Integrations;

/// <summary>One slow receiver holds back only its own deliveries; subscriptions per unit are limited.</summary>
[TestFixture]
public sealed class FairDeliveryTests
{
    private WireMockServer _receivers = null!;
    private ItsmApp _app = null!;
    private Given _given = null!;

    [SetUp]
    public void Start()
    {
        _receivers = WireMockServer.Start();
        _given = new Given(_app = new ItsmApp(new Dictionary<string, string?>
        {
            ["Outbox:SendTimeout"] = "00:00:05",
            ["Outbox:SendsPerSubscription"] = "2",
            ["Webhooks:Timeout"] = "00:00:05",
            ["Webhooks:MaxPerUnit"] = "3",
        }));
        _receivers.Given(Request.Create().WithPath("/slow").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(10)));
        _receivers.Given(Request.Create().WithPath("/healthy").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
    }

    [TearDown]
    public void Stop()
    {
        _given.Dispose();
        _app.Dispose();
        _receivers.Stop();
    }

    private async Task<string> SubscribeAsync(string path)
    {
        var response = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = _receivers.Url + path, events = new[] { "ticket.created" } });
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["webhook"]!["id"]!.GetValue<string>();
    }

    private async Task<JsonArray> DeliveriesAsync(string subscription) =>
        (await _given.ItManager.GetJsonAsync($"/api/v1/webhooks/{subscription}/deliveries"))["items"]!.AsArray();

    /// <summary>Requests answered (WireMock logs a request once it has answered it).</summary>
    private int Requests(string path) => _receivers.LogEntries.Count(e => e.RequestMessage.Path == path);

    [Test]
    public async Task Pass_WithASlowReceiver_DeliversToTheHealthyOneAndSendsTheSlowOneNoMoreThanItsLimit()
    {
        var slow = await SubscribeAsync("/slow");
        var healthy = await SubscribeAsync("/healthy");
        for (var i = 0; i < 5; i++) await _given.Requester.CreateAsync();

        var pass = await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);

        Assert.That(Requests("/healthy"), Is.EqualTo(5), $"every healthy delivery in the same pass: {await DeliveriesAsync(healthy)}");
        Assert.That((await DeliveriesAsync(healthy)).Select(d => d!["state"]!.GetValue<string>()), Is.All.EqualTo("Delivered"));
        var slowDeliveries = await DeliveriesAsync(slow);
        Assert.That(slowDeliveries.Count(d => d!["attempts"]!.GetValue<int>() > 0), Is.EqualTo(2), "the slow receiver ties up only its own two sends");
        Assert.That(slowDeliveries.Count(d => d!["lastError"]?.GetValue<string>().Contains("timed out") == true), Is.EqualTo(2));
        Assert.That(slowDeliveries.Select(d => d!["state"]!.GetValue<string>()), Is.All.EqualTo("Pending"), "retried later");
        Assert.That(pass.Delivered, Is.EqualTo(5));
    }

    [Test]
    public async Task Subscribe_BeyondTheUnitsLimit_Is409AndAddsNothing()
    {
        for (var i = 0; i < 3; i++) await SubscribeAsync("/healthy");

        var problem = await TicketClient.ExpectProblemAsync(
            await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = _receivers.Url + "/healthy" }), HttpStatusCode.Conflict);

        Assert.That(problem["type"]!.GetValue<string>(), Does.EndWith("webhook-limit"));
        Assert.That((await _given.ItManager.GetJsonAsync("/api/v1/webhooks")).AsArray(), Has.Count.EqualTo(3));
    }
}
