using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.RateLimits;

/// <summary>
/// Token buckets per caller. The buckets refill in real time, so each test uses a burst of a few requests and a refill of
/// one permit every 1,000 s: the request after the burst is always refused and nothing refills while the test runs.
/// </summary>
[TestFixture]
public sealed class CallerLimitTests
{
    private const string NoRefill = "0.001";
    private const int Burst = 5;

    private IdentityProvider _idp = null!;
    private ItsmApp _app = null!;

    [SetUp]
    public void Start()
    {
        _idp = new IdentityProvider();
        var settings = _idp.Settings;
        settings["RateLimits:PermitsPerSecond"] = NoRefill;
        settings["RateLimits:Burst"] = Burst.ToString();
        settings["RateLimits:IntegrationCreates:PermitsPerSecond"] = NoRefill;
        settings["RateLimits:IntegrationCreates:Burst"] = "1";
        _app = new ItsmApp(settings);
    }

    [TearDown]
    public void Stop()
    {
        _app.Dispose();
        _idp.Dispose();
    }

    [Test]
    public async Task Caller_BeyondTheBurst_Gets429ProblemWithRetryAfter_OtherCallersUnaffected()
    {
        using var requester = _app.As(Keys.JsRequester);
        for (var i = 0; i < Burst; i++)
            await TicketClient.ExpectAsync(await requester.Http.GetAsync("/api/v1/me"), HttpStatusCode.OK);

        var refused = await requester.Http.GetAsync("/api/v1/me");

        var problem = await TicketClient.ExpectProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:too-many-requests"));
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(1000)));
        using var other = _app.As(Keys.ZjRequester);
        await TicketClient.ExpectAsync(await other.Http.GetAsync("/api/v1/me"), HttpStatusCode.OK);
    }

    [Test]
    public async Task OneUser_SharesOneBucket_WhetherByApiKeyOrBySingleSignOn()
    {
        using var engineer = _app.As(Keys.JsEngineer);
        using var http = _app.CreateClient();
        var token = _idp.TokenFor("js-engineer", _app.Clock.GetUtcNow());

        for (var i = 0; i < Burst; i++)
            await TicketClient.ExpectAsync(i % 2 == 0 ? await engineer.Http.GetAsync("/api/v1/me") : await http.SendAsync(IdentityProvider.Get("/api/v1/me", token)),
                HttpStatusCode.OK);

        await TicketClient.ExpectProblemAsync(await http.SendAsync(IdentityProvider.Get("/api/v1/me", token)), HttpStatusCode.TooManyRequests);
    }

    [Test]
    public async Task AnonymousRequests_AreLimitedByAddress()
    {
        using var anonymous = _app.As(null);
        for (var i = 0; i < Burst; i++)
            await TicketClient.ExpectProblemAsync(await anonymous.Http.GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);

        await TicketClient.ExpectProblemAsync(await anonymous.Http.GetAsync("/openapi/v1.json"), HttpStatusCode.TooManyRequests);
    }

    [Test]
    public async Task HealthProbes_AreExempt()
    {
        using var probe = _app.As(null);
        for (var i = 0; i < 10; i++)
        {
            await TicketClient.ExpectAsync(await probe.Http.GetAsync("/health/live"), HttpStatusCode.OK);
            await TicketClient.ExpectAsync(await probe.Http.GetAsync("/health/ready"), HttpStatusCode.OK);
        }
    }

    [Test]
    public async Task IntegrationRaisingTickets_HasItsOwnTighterLimit_PeopleDoNot()
    {
        using var hq = _app.As(Keys.HqIntegration);
        await TicketClient.ExpectAsync(await hq.Http.PostAsJsonAsync("/api/v1/tickets", TicketClient.NewTicket()), HttpStatusCode.Created);

        var refused = await hq.Http.PostAsJsonAsync("/api/v1/tickets", TicketClient.NewTicket());

        var problem = await TicketClient.ExpectProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:too-many-requests"));
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        await TicketClient.ExpectAsync(await hq.Http.GetAsync("/api/v1/me"), HttpStatusCode.OK);
        using var requester = _app.As(Keys.JsRequester);
        await requester.CreateAsync();
        await requester.CreateAsync();
    }
}

/// <summary>The default limits (the test host otherwise sets them out of reach): a burst of 100 requests is never refused.</summary>
[TestFixture]
public sealed class DefaultCallerLimitTests
{
    [Test]
    public async Task Caller_WithinTheDefaultBurstOf100_IsNeverRefused()
    {
        using var app = new ItsmApp(new Dictionary<string, string?> { ["RateLimits:PermitsPerSecond"] = null, ["RateLimits:Burst"] = null });
        using var requester = app.As(Keys.JsRequester);
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => requester.Http.GetAsync("/api/v1/me")));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
    }
}
