using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Integrations;

/// <summary>Escalation to the HQ system under faults (WireMock.Net as HQ), and the events HQ sends back.</summary>
[TestFixture]
public sealed class HqEscalationTests
{
    private const string CallbackSecret = HqSystem.CallbackSecret;
    private WireMockServer _hq = null!;
    private ItsmApp _app = null!;
    private Given _given = null!;

    [SetUp]
    public void Start()
    {
        _hq = WireMockServer.Start();
        _given = new Given(_app = new ItsmApp(new Dictionary<string, string?>
        {
            ["Hq:BaseUrl"] = _hq.Url + "/hq",
            ["Hq:ApiKey"] = "hq-secret-token",
            ["Hq:CallbackSecret"] = CallbackSecret,
            ["Hq:Retries"] = "2",
            ["Hq:RetryDelay"] = "00:00:00.010",
            ["Hq:AttemptTimeout"] = "00:00:00.500",
            ["Hq:BreakerMinimumThroughput"] = "3",
            ["Hq:BreakerDuration"] = "00:00:00.800",
            ["Outbox:Retry:BaseDelay"] = "00:00:05",
        }));
    }

    [TearDown]
    public void Stop()
    {
        _given.Dispose();
        _app.Dispose();
        _hq.Stop();
    }

    private Task<DispatchPass> PassAsync() => _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);

    private async Task<JsonNode> EscalationAsync(long ticketId) => await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticketId}/escalation");

    private void HqAnswers(int status, string body = """{"reference": "HQ-0001"}""") =>
        _hq.Given(Request.Create().WithPath("/hq/escalations").UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private IEnumerable<WireMock.RequestMessage> HqRequests() => _hq.LogEntries.Select(e => (WireMock.RequestMessage)e.RequestMessage);

    [Test]
    public async Task Escalation_WhileAWebhookReceiverIsSlow_GoesToHqWithoutWaitingForIt()
    {
        HqAnswers(201);
        _hq.Given(Request.Create().WithPath("/slow-hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(6)));
        await TicketClient.ExpectAsync(await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = _hq.Url + "/slow-hook" }), HttpStatusCode.Created);
        await _given.TicketIn(TicketStatus.EscalatedToHq);

        var pass = await PassAsync();

        Assert.That(pass.SentToHq, Is.EqualTo(1));
        // WireMock logs a request once it has answered it: HQ's answer comes before the slow receiver's, not after it.
        var paths = _hq.LogEntries.Select(e => e.RequestMessage.Path).ToList();
        Assert.That(paths.IndexOf("/hq/escalations"), Is.LessThan(paths.IndexOf("/slow-hook")), string.Join(", ", paths));
    }

    [Test]
    public async Task Hq503Twice_ThenOk_IsSentOnceWithOneIdempotencyKey()
    {
        // Counted as each request arrives. With scenario states, a retry 10 ms after the last could still be matched against
        // the state before it and get a third 503 (one run in three when run alone).
        var answered = 0;
        _hq.Given(Request.Create().WithPath("/hq/escalations").UsingPost()).RespondWith(Response.Create().WithCallback(_ =>
            Interlocked.Increment(ref answered) <= 2
                ? new WireMock.ResponseMessage { StatusCode = 503 }
                : new WireMock.ResponseMessage
                {
                    StatusCode = 201,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData { BodyAsString = """{"reference": "HQ-42"}""", DetectedBodyType = WireMock.Types.BodyType.String },
                }));
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq);

        var pass = await PassAsync();

        Assert.That(pass.SentToHq, Is.EqualTo(1));
        var requests = HqRequests().ToList();
        Assert.That(requests, Has.Count.EqualTo(3));
        Assert.That(requests.Select(r => r.Headers!["Idempotency-Key"].ToString()).Distinct().Count(), Is.EqualTo(1));
        Assert.That(requests.All(r => r.Headers!["Authorization"].ToString() == "Bearer hq-secret-token"), Is.True);
        var body = JsonNode.Parse(requests[^1].Body!)!;
        Assert.That(body["ticket"]!["number"]!.GetValue<string>(), Is.EqualTo(ticket.Number));
        Assert.That(body["details"]!["whatWasTried"]!.GetValue<string>(), Is.EqualTo("Reproduced"));
        var escalation = await EscalationAsync(ticket.Id);
        Assert.That((escalation["state"]!.GetValue<string>(), escalation["hqReference"]!.GetValue<string>()), Is.EqualTo(("Sent", "HQ-42")));
    }

    [Test]
    public async Task HqTimingOut_IsRetriedWithTheSameKey()
    {
        _hq.Given(Request.Create().WithPath("/hq/escalations").UsingPost()).InScenario("t").WillSetStateTo("fast")
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(2)));
        _hq.Given(Request.Create().WithPath("/hq/escalations").UsingPost()).InScenario("t").WhenStateIs("fast")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"reference": "HQ-7"}"""));
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq);

        await PassAsync();
        var waiting = await EscalationAsync(ticket.Id);
        Assert.That((waiting["state"]!.GetValue<string>(), waiting["lastError"]!.GetValue<string>()), Is.EqualTo(("Queued", "timed out")));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        await PassAsync();

        var keys = HqRequests().Select(r => r.Headers!["Idempotency-Key"].ToString()).ToList();
        Assert.That(keys, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(keys.Distinct().Count(), Is.EqualTo(1), "HQ can apply it once whatever it saw");
        Assert.That((await EscalationAsync(ticket.Id))["state"]!.GetValue<string>(), Is.EqualTo("Sent"));
    }

    [Test]
    public async Task HqDownForLong_OpensTheCircuitAndDeliversInOrderPerTicketAfterRecovery()
    {
        HqAnswers(503);
        var a = await _given.TicketIn(TicketStatus.EscalatedToHq, title: "ticket A");
        await _given.HqEngineer.ActOkAsync(a.Id, "hq-return", new { guidance = "Try the patch" });
        await _given.Engineer.ActOkAsync(a.Id, "escalate", new { reason = "Patch did not help", whatWasTried = "Applied the patch" });
        var b = await _given.TicketIn(TicketStatus.EscalatedToHq, title: "ticket B");

        await PassAsync();
        _app.Clock.Advance(TimeSpan.FromSeconds(20));
        await PassAsync();
        var whileDown = HqRequests().Count();
        Assert.That((await EscalationAsync(a.Id))["state"]!.GetValue<string>(), Is.EqualTo("Queued"));
        Assert.That((await _given.ItManager.GetJsonAsync("/api/v1/integrations/outbox"))["hqQueued"]!.GetValue<long>(), Is.EqualTo(3));

        _hq.Reset();
        HqAnswers(200);
        await Task.Delay(1000);
        for (var i = 0; i < 4 && (await _given.ItManager.GetJsonAsync("/api/v1/integrations/outbox"))["hqQueued"]!.GetValue<long>() > 0; i++)
        {
            _app.Clock.Advance(TimeSpan.FromMinutes(10));
            await PassAsync();
        }

        Assert.That(whileDown, Is.LessThan(3 * 3 * 2), "the open circuit stops calls to HQ");
        var delivered = HqRequests().Select(r => JsonNode.Parse(r.Body!)!).ToList();
        var forA = delivered.Where(d => d["ticket"]!["id"]!.GetValue<long>() == a.Id).Select(d => d["details"]!["reason"]!.GetValue<string>()).ToList();
        Assert.That(forA, Is.EqualTo(new[] { "Central defect", "Patch did not help" }), "in order per ticket");
        Assert.That(delivered.Any(d => d["ticket"]!["id"]!.GetValue<long>() == b.Id), Is.True);
        Assert.That((await EscalationAsync(b.Id))["state"]!.GetValue<string>(), Is.EqualTo("Sent"));
    }

    [Test]
    public async Task Hq400_IsFailedAtOnceWithTheReasonAndAnAlert_AndCanBeRetried()
    {
        HqAnswers(400, """{"error": "unknown system ERP"}""");
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq);

        await PassAsync();

        var escalation = await EscalationAsync(ticket.Id);
        Assert.That((escalation["state"]!.GetValue<string>(), escalation["attempts"]!.GetValue<int>()), Is.EqualTo(("Failed", 1)));
        Assert.That(escalation["lastError"]!.GetValue<string>(), Does.Contain("400").And.Contain("unknown system"));
        Assert.That(HqRequests().Count(), Is.EqualTo(1), "a refusal is not retried");
        var alerts = (await _given.ItManager.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray();
        Assert.That(alerts.Any(n => n!["type"]!.GetValue<string>() == "escalation.failed" && n["ticketId"]!.GetValue<long>() == ticket.Id), Is.True);

        _hq.Reset();
        HqAnswers(200);
        var retry = await _given.Engineer.Http.PostAsync($"/api/v1/tickets/{ticket.Id}/escalation/retry", null);
        await PassAsync();

        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await EscalationAsync(ticket.Id))["state"]!.GetValue<string>(), Is.EqualTo("Sent"));
        await TicketClient.ExpectProblemAsync(await _given.Engineer.Http.PostAsync($"/api/v1/tickets/{ticket.Id}/escalation/retry", null), HttpStatusCode.Conflict);
    }

    private async Task<(long TicketId, string EscalationId)> SentEscalationAsync()
    {
        HqAnswers(200);
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq);
        await PassAsync();
        return (ticket.Id, (await EscalationAsync(ticket.Id))["eventId"]!.GetValue<string>());
    }

    private Task<HttpResponseMessage> HqSendsAsync(object body, string? id = null, string secret = CallbackSecret, DateTimeOffset? at = null) =>
        HqSystem.SendsAsync(_app, body, id, secret, at);

    [Test]
    public async Task HqEvents_AcknowledgeReturnAndResolve_AreAppliedAndRecorded()
    {
        var (ticketId, escalation) = await SentEscalationAsync();

        await TicketClient.ExpectAsync(await HqSendsAsync(new { type = "acknowledged", escalationId = escalation, reference = "HQ-99" }), HttpStatusCode.OK);
        Assert.That((await EscalationAsync(ticketId))["state"]!.GetValue<string>(), Is.EqualTo("Acknowledged"));

        await TicketClient.ExpectAsync(await HqSendsAsync(new { type = "returned", escalationId = escalation, guidance = "Use route B" }), HttpStatusCode.OK);
        var returned = await _given.ItManager.GetTicketAsync(ticketId);
        Assert.That(returned.Status, Is.EqualTo(TicketStatus.InProgress));
        Assert.That((await EscalationAsync(ticketId))["state"]!.GetValue<string>(), Is.EqualTo("Returned"));

        var history = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticketId}/history"))["items"]!.AsArray();
        Assert.That(history.Select(h => (h!["action"]!.GetValue<string>(), h["actor"]!.GetValue<string>())),
            Does.Contain(("hq.acknowledged", "hq-integration")).And.Contain(("hq-return", "hq-integration")));
    }

    [Test]
    public async Task HqEvent_Resolved_ResolvesTheTicket()
    {
        var (ticketId, escalation) = await SentEscalationAsync();

        var response = await HqSendsAsync(new { type = "resolved", escalationId = escalation, resolution = new { code = "Fixed", text = "Central patch deployed" } });

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        var resolved = await _given.ItManager.GetTicketAsync(ticketId);
        Assert.That((resolved.Status, resolved.Resolution!.Text), Is.EqualTo((TicketStatus.Resolved, "Central patch deployed")));
    }

    [Test]
    public async Task HqEvent_ResolvedOnAMajorIncident_ResolvesItsChildren()
    {
        var (ticketId, escalation) = await SentEscalationAsync();
        var child = await _given.TicketIn(TicketStatus.InProgress);
        await TicketClient.ExpectAsync(await _given.ServiceDesk.Http.PostAsJsonAsync($"/api/v1/tickets/{child.Id}/links",
            new { type = "ChildOf", ticket = ticketId }), HttpStatusCode.Created);

        var response = await HqSendsAsync(new { type = "resolved", escalationId = escalation, resolution = new { code = "Fixed", text = "Central patch deployed" } });

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        var after = await _given.ItManager.GetTicketAsync(child.Id);
        Assert.That((after.Status, after.Resolution?.Text), Is.EqualTo((TicketStatus.Resolved, "Central patch deployed")));
    }

    [Test]
    public async Task DuplicateHqEvent_ChangesNothing()
    {
        var (ticketId, escalation) = await SentEscalationAsync();
        var body = new { type = "returned", escalationId = escalation, guidance = "Use route B" };
        await TicketClient.ExpectAsync(await HqSendsAsync(body, id: "msg-1"), HttpStatusCode.OK);
        var after = await _given.ItManager.GetTicketAsync(ticketId);

        var again = await HqSendsAsync(body, id: "msg-1");

        await TicketClient.ExpectAsync(again, HttpStatusCode.OK);
        Assert.That((await again.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>(), Is.EqualTo("duplicate"));
        Assert.That((await _given.ItManager.GetTicketAsync(ticketId)).Version, Is.EqualTo(after.Version));
    }

    [Test]
    public async Task BadlySignedOrStaleHqEvent_Is401AndChangesNothing()
    {
        var (ticketId, escalation) = await SentEscalationAsync();
        var before = await _given.ItManager.GetTicketAsync(ticketId);
        var body = new { type = "resolved", escalationId = escalation, resolution = new { code = "Fixed", text = "x" } };

        var wrongSecret = await HqSendsAsync(body, secret: "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var stale = await HqSendsAsync(body, at: _app.Clock.GetUtcNow().AddMinutes(-6));

        await TicketClient.ExpectProblemAsync(wrongSecret, HttpStatusCode.Unauthorized);
        await TicketClient.ExpectProblemAsync(stale, HttpStatusCode.Unauthorized);
        var after = await _given.ItManager.GetTicketAsync(ticketId);
        Assert.That((after.Status, after.Version), Is.EqualTo((before.Status, before.Version)));
    }

    [Test]
    public async Task HqEvent_FromAnotherKey_Is403()
    {
        var response = await _given.Engineer.Http.PostAsync("/api/v1/integrations/hq/events", JsonContent.Create(new { type = "acknowledged", escalationId = "x" }));

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
    }
}
