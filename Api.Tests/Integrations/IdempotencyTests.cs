using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Idempotency;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Integrations;

/// <summary>Idempotency-Key on POST: a retry gets the first outcome, never a second effect.</summary>
[TestFixture]
public sealed class IdempotencyTests : ApiFixture
{
    private Task<HttpResponseMessage> PostAsync(TicketClient client, string path, object body, string key, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(IdempotencyMiddleware.Header, key);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.Http.SendAsync(request);
    }

    private static class IdempotencyMiddleware
    {
        public const string Header = "Idempotency-Key";
    }

    [Test]
    public async Task Retry_WithTheSameKey_ReplaysTheFirstResponseAndCreatesOneTicket()
    {
        var key = Guid.NewGuid().ToString();
        var body = TicketClient.NewTicket("Idempotent create " + key);

        var first = await PostAsync(_given.Requester, "/api/v1/tickets", body, key);
        var retry = await PostAsync(_given.Requester, "/api/v1/tickets", body, key);

        Assert.That((first.StatusCode, retry.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
        Assert.That(await retry.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That(retry.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
        Assert.That(first.Headers.Contains("Idempotent-Replayed"), Is.False);
        Assert.That(retry.Headers.Location, Is.EqualTo(first.Headers.Location));
        Assert.That(retry.Headers.ETag, Is.EqualTo(first.Headers.ETag));
        var found = await _given.ItManager.GetJsonAsync("/api/v1/tickets?text=" + Uri.EscapeDataString(key));
        Assert.That(found["items"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task SameKey_WithADifferentBody_Is422()
    {
        var key = Guid.NewGuid().ToString();
        await PostAsync(_given.Requester, "/api/v1/tickets", TicketClient.NewTicket("one"), key);

        var other = await PostAsync(_given.Requester, "/api/v1/tickets", TicketClient.NewTicket("two"), key);

        var problem = await TicketClient.ExpectProblemAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:idempotency-key-reused"));
    }

    [Test]
    public async Task SameKey_StillInFlight_Is409WithRetryAfter()
    {
        var key = Guid.NewGuid().ToString();
        const string body = """{"system":"ERP","category":"ApplicationProblem","title":"in flight","description":"d","impact":"Unit","urgency":"Low"}""";
        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes("POST /api/v1/tickets\n" + body)));
        var store = _app.Services.GetRequiredService<IdempotencyStore>();
        Assert.That((await store.ClaimAsync("js-requester", key, fingerprint, _app.Clock.GetUtcNow(), CancellationToken.None)).Outcome,
            Is.EqualTo(ClaimOutcome.Claimed), "as if a first request were still running");

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        var response = await _given.Requester.Http.SendAsync(request);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Conflict);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:idempotency-key-in-flight"));
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
    }

    [Test]
    public async Task InFlightRequest_GetsA409ProblemOverHttp()
    {
        var key = Guid.NewGuid().ToString();
        var body = TicketClient.NewTicket("racing");

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PostAsync(_given.Requester, "/api/v1/tickets", body, key))));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.AnyOf(HttpStatusCode.Created, HttpStatusCode.Conflict));
        var bodies = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Content.ReadAsStringAsync()));
        Assert.That(bodies.Distinct().Count(), Is.EqualTo(1), "every success is the same ticket");
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            await TicketClient.ExpectProblemAsync(conflict, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Action_RetriedWithTheSameKey_IsNotAppliedTwice()
    {
        var ticket = await _given.Requester.CreateAsync();
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(_given.ServiceDesk, $"/api/v1/tickets/{ticket.Id}/triage", new { group = "JS-L2SYS" }, key, "\"1\"");
        var retry = await PostAsync(_given.ServiceDesk, $"/api/v1/tickets/{ticket.Id}/triage", new { group = "JS-L2SYS" }, key, "\"1\"");

        Assert.That((first.StatusCode, retry.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)), "the retry gets the result, not a 412");
        Assert.That((await _given.ItManager.GetTicketAsync(ticket.Id)).Version, Is.EqualTo(2));
    }

    [Test]
    public async Task Keys_ArePerCaller()
    {
        var key = Guid.NewGuid().ToString();
        var body = TicketClient.NewTicket("per caller");

        var requester = await PostAsync(_given.Requester, "/api/v1/tickets", body, key);
        var desk = await PostAsync(_given.ServiceDesk, "/api/v1/tickets", body, key);

        Assert.That((requester.StatusCode, desk.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
        Assert.That(desk.Headers.Contains("Idempotent-Replayed"), Is.False);
    }

    [Test]
    public async Task ABadRequest_IsReplayedAsTheSameProblem()
    {
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(_given.Requester, "/api/v1/tickets", new { title = "x" }, key);
        var retry = await PostAsync(_given.Requester, "/api/v1/tickets", new { title = "x" }, key);

        Assert.That((first.StatusCode, retry.StatusCode), Is.EqualTo((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest)));
        Assert.That(retry.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task AfterTheRetentionPeriod_TheKeyIsNew()
    {
        using var app = new ItsmApp();
        using var requester = app.As(Keys.JsRequester);
        var key = Guid.NewGuid().ToString();
        var body = TicketClient.NewTicket("retention");
        var first = await PostAsync(requester, "/api/v1/tickets", body, key);

        app.Clock.Advance(IdempotencyStore.Retention + TimeSpan.FromMinutes(1));
        var later = await PostAsync(requester, "/api/v1/tickets", body, key);

        Assert.That((first.StatusCode, later.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
        Assert.That(later.Headers.Location, Is.Not.EqualTo(first.Headers.Location));
        Assert.That(await app.Services.GetRequiredService<IdempotencyStore>().PurgeExpiredAsync(app.Clock.GetUtcNow().AddDays(2), CancellationToken.None),
            Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task ExpiredKeys_ArePurgedBatchByBatch_UntilNoneIsLeft()
    {
        using var app = new ItsmApp();
        using var requester = app.As(Keys.JsRequester);
        for (var i = 0; i < 5; i++)
            Assert.That((await PostAsync(requester, "/api/v1/tickets", TicketClient.NewTicket($"purge {i}"), Guid.NewGuid().ToString())).StatusCode,
                Is.EqualTo(HttpStatusCode.Created));
        var store = app.Services.GetRequiredService<IdempotencyStore>();

        var purged = await store.PurgeExpiredAsync(app.Clock.GetUtcNow().Add(IdempotencyStore.Retention).AddMinutes(1), CancellationToken.None, batch: 2);

        Assert.That(purged, Is.EqualTo(5), "batches of 2, 2 and 1");
        Assert.That(await store.PurgeExpiredAsync(app.Clock.GetUtcNow().AddDays(30), CancellationToken.None), Is.Zero);
    }

    [TestCase("has space")]
    [TestCase("k\u00e9y")]
    public async Task MalformedKey_Is400(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets") { Content = JsonContent.Create(TicketClient.NewTicket()) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await _given.Requester.Http.SendAsync(request);

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task OverlongKey_Is400() =>
        await TicketClient.ExpectProblemAsync(await PostAsync(_given.Requester, "/api/v1/tickets", TicketClient.NewTicket(), new string('k', 256)), HttpStatusCode.BadRequest);
}
