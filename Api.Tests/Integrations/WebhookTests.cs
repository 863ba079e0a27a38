using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Integrations;

/// <summary>Webhooks for helpdesk tools: signed, at least once, in order per ticket, with backoff, 410 and dead letters.</summary>
[TestFixture]
public sealed class WebhookTests
{
    private WireMockServer _receiver = null!;
    private ItsmApp _app = null!;
    private Given _given = null!;

    [SetUp]
    public void Start()
    {
        _receiver = WireMockServer.Start();
        _given = new Given(_app = new ItsmApp(new Dictionary<string, string?> { ["Outbox:Retry:MaxAttempts"] = "3" }));
    }

    [TearDown]
    public void Stop()
    {
        _given.Dispose();
        _app.Dispose();
        _receiver.Stop();
    }

    private Task<DispatchPass> PassAsync() => _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);

    private async Task<(string Id, string Secret)> SubscribeAsync(TicketClient manager, params string[] events)
    {
        var response = await manager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url + "/hook", events });
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (body["webhook"]!["id"]!.GetValue<string>(), body["secret"]!.GetValue<string>());
    }

    private void Answer(int status) =>
        _receiver.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(status));

    /// <summary>The receiver's own check, written from the Standard Webhooks text, not with the service's signer.</summary>
    private static bool ReceiverAccepts(string secret, IDictionary<string, WireMock.Types.WireMockList<string>> headers, string body, DateTimeOffset now)
    {
        string Header(string name) => headers.First(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value.ToString();
        var (id, timestamp, signatures) = (Header("webhook-id"), Header("webhook-timestamp"), Header("webhook-signature"));
        if (Math.Abs(now.ToUnixTimeSeconds() - long.Parse(timestamp)) > 300) return false;
        using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
        var expected = "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return signatures.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s), Encoding.UTF8.GetBytes(expected)));
    }

    [Test]
    public async Task Events_AreDeliveredSignedInOrderAndVerifiedByTheReceiversOwnCode()
    {
        Answer(200);
        var (webhook, secret) = await SubscribeAsync(_given.ItManager, "ticket.created", "ticket.triaged", "ticket.commented");
        var ticket = await _given.Requester.CreateAsync();
        await _given.ServiceDesk.ActOkAsync(ticket.Id, "triage", new { group = "JS-L2SYS" });
        await _given.Engineer.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = "internal", visibility = "Internal" });
        await _given.Requester.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = "public" });

        await PassAsync();
        await PassAsync();

        var requests = _receiver.LogEntries.Select(e => e.RequestMessage).ToList();
        Assert.That(requests.Select(r => JsonNode.Parse(r.Body!)!["type"]!.GetValue<string>()),
            Is.EqualTo(new[] { "ticket.created", "ticket.triaged", "ticket.commented" }), "internal notes are never sent");
        Assert.That(requests.All(r => ReceiverAccepts(secret, r.Headers!, r.Body!, _app.Clock.GetUtcNow())), Is.True);
        var otherSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Assert.That(requests.Any(r => ReceiverAccepts(otherSecret, r.Headers!, r.Body!, _app.Clock.GetUtcNow())), Is.False);
        var payload = JsonNode.Parse(requests[1].Body!)!;
        Assert.That(payload["ticket"]!["number"]!.GetValue<string>(), Is.EqualTo(ticket.Number));
        Assert.That(payload["ticket"]!["group"]!.GetValue<string>(), Is.EqualTo("JS-L2SYS"));
        var deliveries = (await _given.ItManager.GetJsonAsync($"/api/v1/webhooks/{webhook}/deliveries"))["items"]!.AsArray();
        Assert.That(deliveries.Select(d => (d!["state"]!.GetValue<string>(), d["lastStatus"]!.GetValue<int>())), Is.All.EqualTo(("Delivered", 200)));
    }

    [Test]
    public async Task FailedDelivery_IsRetriedWithBackoffUnderTheSameId()
    {
        _receiver.Given(Request.Create().WithPath("/hook").UsingPost()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503));
        _receiver.Given(Request.Create().WithPath("/hook").UsingPost()).InScenario("flaky").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(204));
        var (webhook, _) = await SubscribeAsync(_given.ItManager, "ticket.created");
        await _given.Requester.CreateAsync();

        var first = await PassAsync();
        var tooEarly = await PassAsync();
        _app.Clock.Advance(TimeSpan.FromSeconds(15));
        var later = await PassAsync();

        Assert.That((first.Failed, tooEarly.Delivered + tooEarly.Failed, later.Delivered), Is.EqualTo((1, 0, 1)));
        var ids = _receiver.LogEntries.Select(e => e.RequestMessage.Headers!["webhook-id"].ToString()).ToList();
        Assert.That(ids, Has.Count.EqualTo(2));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(1));
        var delivery = (await _given.ItManager.GetJsonAsync($"/api/v1/webhooks/{webhook}/deliveries"))["items"]!.AsArray().Single()!;
        Assert.That((delivery["state"]!.GetValue<string>(), delivery["attempts"]!.GetValue<int>()), Is.EqualTo(("Delivered", 2)));
    }

    [Test]
    public async Task Gone_DisablesTheSubscription()
    {
        Answer(410);
        var (webhook, _) = await SubscribeAsync(_given.ItManager);
        await _given.Requester.CreateAsync();

        await PassAsync();
        await _given.Requester.CreateAsync();
        await PassAsync();

        var view = await _given.ItManager.GetJsonAsync($"/api/v1/webhooks/{webhook}");
        Assert.That(view["enabled"]!.GetValue<bool>(), Is.False);
        Assert.That(view["disabledReason"]!.GetValue<string>(), Does.Contain("410"));
        Assert.That(_receiver.LogEntries.Count(), Is.EqualTo(1), "nothing more is sent to a receiver that is gone");
    }

    [Test]
    public async Task LastAttemptFailing_MakesADeadLetterThatCanBeReplayed()
    {
        Answer(500);
        var (webhook, _) = await SubscribeAsync(_given.ItManager, "ticket.created");
        await _given.Requester.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            await PassAsync();
            _app.Clock.Advance(TimeSpan.FromHours(1));
        }
        var dead = (await _given.ItManager.GetJsonAsync($"/api/v1/webhooks/{webhook}/deliveries"))["items"]!.AsArray().Single()!;
        Assert.That((dead["state"]!.GetValue<string>(), dead["attempts"]!.GetValue<int>(), dead["lastStatus"]!.GetValue<int>()), Is.EqualTo(("DeadLetter", 3, 500)));

        _receiver.Reset();
        Answer(200);
        var replay = await _given.ItManager.Http.PostAsync($"/api/v1/webhooks/{webhook}/deliveries/{dead["id"]!.GetValue<long>()}/replay", null);
        await PassAsync();

        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await _given.ItManager.GetJsonAsync($"/api/v1/webhooks/{webhook}/deliveries"))["items"]![0]!["state"]!.GetValue<string>(), Is.EqualTo("Delivered"));
    }

    [Test]
    public async Task RotatedSecret_SignsWithBothDuringTheGracePeriod()
    {
        Answer(200);
        var (webhook, oldSecret) = await SubscribeAsync(_given.ItManager, "ticket.created");
        var rotated = await _given.ItManager.Http.PostAsync($"/api/v1/webhooks/{webhook}/rotate-secret", null);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>();
        await _given.Requester.CreateAsync();

        await PassAsync();

        var request = _receiver.LogEntries.Single().RequestMessage;
        Assert.That(newSecret, Is.Not.EqualTo(oldSecret));
        Assert.That(ReceiverAccepts(oldSecret, request.Headers!, request.Body!, _app.Clock.GetUtcNow()), Is.True);
        Assert.That(ReceiverAccepts(newSecret, request.Headers!, request.Body!, _app.Clock.GetUtcNow()), Is.True);
    }

    [Test]
    public async Task Subscription_HearsOnlyItsUnitsTickets()
    {
        Answer(200);
        using var zjManager = _app.As(Keys.ZjItManager);
        await SubscribeAsync(zjManager);
        await _given.Requester.CreateAsync();

        await PassAsync();

        Assert.That(_receiver.LogEntries, Is.Empty);
        await TicketClient.ExpectProblemAsync(await zjManager.Http.GetAsync("/api/v1/webhooks/wh_nope"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task EventsPendingWhenTheProcessStops_AreDeliveredAtOnceAfterAGracefulRestart()
    {
        Answer(200);
        var directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Itsm"] = $"Data Source={Path.Combine(directory, "itsm.db")}" };
        using (var before = new ItsmApp(settings))
        {
            using var manager = before.As(Keys.JsItManager);
            using var requester = before.As(Keys.JsRequester);
            await SubscribeAsync(manager, "ticket.created");
            await before.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);
            await requester.CreateAsync();
        }
        Assert.That(_receiver.LogEntries, Is.Empty, "stopped before the event went out");

        using var after = new ItsmApp(settings);
        var dispatcher = after.Services.GetRequiredService<OutboxDispatcher>();
        Assert.That((await dispatcher.RunPassAsync(CancellationToken.None)).Leased, Is.True, "the stopped instance released its lease");

        Assert.That(_receiver.LogEntries.Count(), Is.EqualTo(1));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, true);
    }

    [TestCase("ftp://example.org/hook", "url")]
    [TestCase("not a url", "url")]
    [TestCase("https://user:pw@example.org/hook", "url")]
    public async Task Subscribe_WithABadTarget_Is400(string url, string field)
    {
        var problem = await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url }), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]![field], Is.Not.Null);
    }

    [Test]
    public async Task Subscribe_ToAnUnknownEvent_Is400() =>
        await TicketClient.ExpectProblemAsync(
            await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.org/hook", events = new[] { "ticket.exploded" } }),
            HttpStatusCode.BadRequest);

    [Test]
    public async Task Subscribe_ToLoopbackOrPrivateAddresses_IsRefusedUnlessAllowed()
    {
        using var strict = new ItsmApp(new Dictionary<string, string?> { ["Webhooks:AllowInsecureTargets"] = "false" });
        using var manager = strict.As(Keys.JsItManager);

        foreach (var url in new[] { "http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://192.168.0.5/hook", "http://[::1]/hook" })
            await TicketClient.ExpectProblemAsync(await manager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url }), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Webhooks_AreForItManagers() =>
        await TicketClient.ExpectProblemAsync(await _given.Engineer.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.org/hook" }), HttpStatusCode.Forbidden);
}
