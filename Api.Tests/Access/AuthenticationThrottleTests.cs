using System.Net;
using Itsm.Api.Tests.Setup;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Access;

/// <summary>Guessing keys is throttled per client address; X-Forwarded-For counts only from a configured proxy.</summary>
[TestFixture]
public sealed class AuthenticationThrottleTests
{
    private const string Peer = "X-Test-Peer";
    private ItsmApp _app = null!;
    private WebApplicationFactory<Program> _server = null!;

    [SetUp]
    public void StartApp()
    {
        _app = new ItsmApp(new Dictionary<string, string?>
        {
            ["Auth:FailureLimit"] = "3",
            ["Auth:FailureWindow"] = "00:01:00",
            ["Network:KnownProxies:0"] = "10.0.0.9",
        });
        // The test server has no network peer: a filter in front of the pipeline plays the connection's address.
        _server = _app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new PeerAddress())));
    }

    [TearDown]
    public void StopApp()
    {
        _server.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task WrongKeys_FromOneAddress_Get429UntilTheWindowPasses_OthersUnaffected()
    {
        for (var i = 0; i < 3; i++)
            await TicketClient.ExpectProblemAsync(await SendAsync("198.51.100.7", "itsm_wrong" + i), HttpStatusCode.Unauthorized);

        var throttled = await SendAsync("198.51.100.7", Keys.JsRequester);
        var problem = await TicketClient.ExpectProblemAsync(throttled, HttpStatusCode.TooManyRequests);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:too-many-failed-authentications"));
        Assert.That(throttled.Headers.RetryAfter!.Delta, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That((await SendAsync("198.51.100.8", Keys.JsRequester)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "another address");

        _app.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.That((await SendAsync("198.51.100.7", Keys.JsRequester)).StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await SendAsync("198.51.100.7", Keys.JsRequester)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ForwardedFor_IsTheClientOnlyBehindAKnownProxy()
    {
        for (var i = 0; i < 3; i++)
            await SendAsync("10.0.0.9", "itsm_wrong" + i, forwardedFor: "203.0.113.5");

        Assert.That((await SendAsync("10.0.0.9", Keys.JsRequester, forwardedFor: "203.0.113.5")).StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That((await SendAsync("10.0.0.9", Keys.JsRequester, forwardedFor: "203.0.113.6")).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "another client behind the same proxy");

        for (var i = 0; i < 3; i++)
            await SendAsync("192.0.2.50", "itsm_wrong" + i, forwardedFor: "203.0.113.7");

        Assert.That((await SendAsync("192.0.2.50", Keys.JsRequester, forwardedFor: "203.0.113.8")).StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests),
            "an unknown peer's X-Forwarded-For is not believed");
        Assert.That((await SendAsync("10.0.0.9", Keys.JsRequester, forwardedFor: "203.0.113.7")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task HealthProbes_FromAThrottledAddress_AreStillAnswered()
    {
        for (var i = 0; i < 3; i++)
            await TicketClient.ExpectProblemAsync(await SendAsync("198.51.100.9", "itsm_wrong" + i), HttpStatusCode.Unauthorized);
        Assert.That((await SendAsync("198.51.100.9", Keys.JsRequester)).StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));

        using var client = _server.CreateClient();
        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            var probe = new HttpRequestMessage(HttpMethod.Get, path);
            probe.Headers.Add(Peer, "198.51.100.9");
            Assert.That((await client.SendAsync(probe)).StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string peer, string key, string? forwardedFor = null)
    {
        using var client = _server.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Add(Peer, peer);
        request.Headers.Add("X-Api-Key", key);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    private sealed class PeerAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers[Peer].ToString() is { Length: > 0 } peer) context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
