using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Access;

/// <summary>
/// Single sign-on: a bearer token from the identity provider names a user of the service, whose roles, unit and groups
/// come from the user record. Tokens are issued at the service's (fake) clock, so lifetimes never race the wall clock.
/// </summary>
[TestFixture]
public sealed class SingleSignOnTests
{
    private IdentityProvider _idp = null!;
    private ItsmApp _app = null!;
    private HttpClient _http = null!;

    public enum Forgery { Expired, NotYetValid, WrongAudience, WrongIssuer, BadSignature, AlgNone, Hs256WithPublicKey, Garbage }

    [OneTimeSetUp]
    public void Start()
    {
        _idp = new IdentityProvider();
        _app = new ItsmApp(_idp.Settings);
        _http = _app.CreateClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _http.Dispose();
        _app.Dispose();
        _idp.Dispose();
    }

    private DateTimeOffset Now => _app.Clock.GetUtcNow();

    private Task<HttpResponseMessage> GetAsync(string path, string token) => _http.SendAsync(IdentityProvider.Get(path, token));

    [Test]
    public async Task ValidToken_ForAPerson_IsThatUserWithTheRolesUnitAndGroupsOfTheUserRecord()
    {
        var response = await GetAsync("/api/v1/me", _idp.TokenFor("js-engineer", Now));

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        var me = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(me["id"]!.GetValue<string>(), Is.EqualTo("js-engineer"));
        Assert.That(me["unitPath"]!.GetValue<string>(), Is.EqualTo("/HQ/JS/"));
        Assert.That(me["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EquivalentTo(new[] { "Engineer" }));
        Assert.That(me["groups"]!.AsArray().Select(g => g!.GetValue<string>()), Is.EquivalentTo(new[] { "JS-L2SYS", "JS-L2BIZ" }));
    }

    [Test]
    public async Task ValidToken_SeesAndChangesWhatTheUsersScopeAllows()
    {
        using var zhejiang = _app.As(Keys.ZjRequester);
        var foreign = await zhejiang.CreateAsync();
        var token = _idp.TokenFor("js-requester", Now);

        var raise = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets") { Content = JsonContent.Create(TicketClient.NewTicket("Raised after signing on")) };
        raise.Headers.Authorization = new("Bearer", token);
        var raised = await _http.SendAsync(raise);

        await TicketClient.ExpectAsync(raised, HttpStatusCode.Created);
        var ticket = (await raised.Content.ReadFromJsonAsync<TicketResponse>(TicketClient.Json))!;
        Assert.That(ticket.Requester, Is.EqualTo("js-requester"));
        await TicketClient.ExpectAsync(await GetAsync($"/api/v1/tickets/{ticket.Id}", token), HttpStatusCode.OK);
        await TicketClient.ExpectProblemAsync(await GetAsync($"/api/v1/tickets/{foreign.Id}", token), HttpStatusCode.NotFound);
    }

    [TestCase(Forgery.Expired, "expired")]
    [TestCase(Forgery.NotYetValid, "not valid yet")]
    [TestCase(Forgery.WrongAudience, "audience")]
    [TestCase(Forgery.WrongIssuer, "identity provider")]
    [TestCase(Forgery.BadSignature, "signature")]
    [TestCase(Forgery.AlgNone, "")]
    [TestCase(Forgery.Hs256WithPublicKey, "")]
    [TestCase(Forgery.Garbage, "")]
    public async Task TokenThatIsNotValid_Gets401ProblemWithABearerChallenge(Forgery forgery, string detail)
    {
        var token = forgery switch
        {
            Forgery.Expired => _idp.TokenFor("js-engineer", Now - TimeSpan.FromHours(1), TimeSpan.FromMinutes(30)),
            Forgery.NotYetValid => _idp.TokenFor("js-engineer", Now + TimeSpan.FromHours(1)),
            Forgery.WrongAudience => _idp.TokenFor("js-engineer", Now, audience: "another-api"),
            Forgery.WrongIssuer => _idp.TokenFor("js-engineer", Now, issuer: "https://idp.example.net"),
            Forgery.BadSignature => _idp.TokenFor("js-engineer", Now, signedWith: IdentityProvider.ImpostorKey),
            Forgery.AlgNone => _idp.UnsignedTokenFor("js-engineer", Now),
            Forgery.Hs256WithPublicKey => _idp.TokenFor("js-engineer", Now, signedWith: _idp.PublicKeyAsHmacSecret),
            _ => "not-a-jwt",
        };

        var response = await GetAsync("/api/v1/me", token);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:unauthenticated"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain(detail));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer error=\"invalid_token\""));
    }

    [Test]
    public async Task Token_ExpiresByTheServicesClock()
    {
        var token = _idp.TokenFor("js-engineer", Now, TimeSpan.FromMinutes(10));
        await TicketClient.ExpectAsync(await GetAsync("/api/v1/me", token), HttpStatusCode.OK);

        // Ten minutes of lifetime and five of allowed clock skew have passed on the service's clock.
        _app.Clock.Advance(TimeSpan.FromMinutes(16));

        var problem = await TicketClient.ExpectProblemAsync(await GetAsync("/api/v1/me", token), HttpStatusCode.Unauthorized);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("expired"));
    }

    [Test]
    public async Task ValidToken_ForAnUnknownUser_Gets403SayingSo()
    {
        var problem = await TicketClient.ExpectProblemAsync(await GetAsync("/api/v1/me", _idp.TokenFor("wang.li", Now)), HttpStatusCode.Forbidden);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:unknown-user"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("'wang.li'").And.Contain("not a user of this service"));
    }

    [Test]
    public async Task ValidToken_WithoutTheUserClaim_Gets403()
    {
        var problem = await TicketClient.ExpectProblemAsync(await GetAsync("/api/v1/me", _idp.TokenFor("js-engineer", Now, claim: "email")), HttpStatusCode.Forbidden);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:unknown-user"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("preferred_username"));
    }

    [Test]
    public async Task ValidToken_NamingAnIntegration_Gets403_IntegrationsUseKeys()
    {
        var problem = await TicketClient.ExpectProblemAsync(await GetAsync("/api/v1/me", _idp.TokenFor("hq-integration", Now)), HttpStatusCode.Forbidden);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:integration-sign-on"));
    }

    [Test]
    public async Task ValidToken_NamingAPersonWhoHoldsTheIntegrationRole_Gets403()
    {
        using var manager = _app.As(Keys.JsItManager);
        await TicketClient.ExpectAsync(await manager.Http.PostAsJsonAsync("/api/v1/admin/users", new
        {
            id = "js-feed-person", name = "A person record with integration powers", unit = "JS", roles = new[] { "Integration" },
        }), HttpStatusCode.Created);

        var problem = await TicketClient.ExpectProblemAsync(await GetAsync("/api/v1/me", _idp.TokenFor("js-feed-person", Now)), HttpStatusCode.Forbidden);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:integration-sign-on"));
    }

    [Test]
    public async Task ValidToken_NamingTheUserInAnotherCase_IsThatUser()
    {
        var response = await GetAsync("/api/v1/me", _idp.TokenFor("JS-Engineer", Now));

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        Assert.That(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>(), Is.EqualTo("js-engineer"));
    }

    [TestCase("js-\u212Aate", TestName = "ValidToken_NamingALookalikeOfAUser_Gets403_NotThatUser(Kelvin sign)")]
    [TestCase(" js-engineer ", TestName = "ValidToken_NamingALookalikeOfAUser_Gets403_NotThatUser(padded)")]
    [TestCase("js-engineer\n", TestName = "ValidToken_NamingALookalikeOfAUser_Gets403_NotThatUser(newline)")]
    [TestCase("JS-ENGİNEER", TestName = "ValidToken_NamingALookalikeOfAUser_Gets403_NotThatUser(dotted I)")]
    public async Task ValidToken_NamingALookalikeOfAUser_Gets403_NotThatUser(string claimed)
    {
        // js-kate exists, so a Kelvin-sign "K" folded by culture-free lower-casing would sign in as her.
        using var manager = _app.As(Keys.JsItManager);
        var created = await manager.Http.PostAsJsonAsync("/api/v1/admin/users", new { id = "js-kate", name = "Kate", unit = "JS", roles = new[] { "Requester" } });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created).Or.EqualTo(HttpStatusCode.Conflict));

        var problem = await TicketClient.ExpectProblemAsync(await GetAsync("/api/v1/me", _idp.TokenFor(claimed, Now)), HttpStatusCode.Forbidden);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:unknown-user"));
    }

    [Test]
    public async Task ValidToken_WithACriticalHeaderExtension_Gets401()
    {
        var token = _idp.TokenFor("js-engineer", Now, header: new Dictionary<string, object> { ["crit"] = new[] { "exp-policy" }, ["exp-policy"] = 1 });

        var response = await GetAsync("/api/v1/me", token);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("'crit'"));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer error=\"invalid_token\""));
    }

    [TestCase("Bearer")]
    [TestCase("Bearer ")]
    [TestCase("bearer\tabc.def.ghi")]
    public async Task MalformedBearerHeader_Gets401OfferingBearer(string header)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        var response = await _http.SendAsync(request);

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("Bearer"));
    }

    [Test]
    public async Task ValidToken_ForAnOperationTheRolesDoNotAllow_Gets403NamingTheAllowedCallers()
    {
        var problem = await TicketClient.ExpectProblemAsync(await GetAsync("/api/v1/integrations/outbox", _idp.TokenFor("js-requester", Now)), HttpStatusCode.Forbidden);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:forbidden"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.StartWith("Allowed callers:"));
    }

    [Test]
    public async Task ApiKeys_StillWork_BesideSingleSignOn()
    {
        using var engineer = _app.As(Keys.JsEngineer);
        var me = await engineer.GetJsonAsync("/api/v1/me");

        Assert.That(me["id"]!.GetValue<string>(), Is.EqualTo("js-engineer"));
        await TicketClient.ExpectProblemAsync(await _app.As("itsm_not_a_key").Http.GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Document_DeclaresBothSchemes_AndEveryProtectedOperationAcceptsEither()
    {
        var document = JsonNode.Parse(await _http.GetStringAsync("/openapi/v1.json"))!;

        var schemes = document["components"]!["securitySchemes"]!;
        Assert.That(schemes["ApiKey"]!["in"]!.GetValue<string>(), Is.EqualTo("header"));
        Assert.That(schemes["Bearer"]!["scheme"]!.GetValue<string>(), Is.EqualTo("bearer"));
        var protectedOperations = document["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => o.Value!)).ToList();
        Assert.That(protectedOperations, Is.Not.Empty);
        Assert.That(protectedOperations.Select(o => string.Join(" ", o["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)))),
            Is.All.EqualTo("ApiKey Bearer"));
    }

    [Test]
    public async Task NoCredentials_Gets401_NamingBothWays()
    {
        var response = await _http.GetAsync("/api/v1/me");

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("X-Api-Key").And.Contain("bearer token"));
        Assert.That(response.Headers.WwwAuthenticate.Select(h => h.Scheme), Is.EquivalentTo(new[] { "ApiKey", "Bearer" }));
    }
}

/// <summary>Single sign-on switched off, half configured, or with its identity provider down.</summary>
[TestFixture]
public sealed class SingleSignOnSetupTests
{
    [Test]
    public async Task BearerToken_WithoutSingleSignOnConfigured_Gets401SayingOnlyKeysWork()
    {
        using var idp = new IdentityProvider();
        using var app = new ItsmApp();
        using var http = app.CreateClient();

        var problem = await TicketClient.ExpectProblemAsync(await http.SendAsync(IdentityProvider.Get("/api/v1/me", idp.TokenFor("js-engineer", app.Clock.GetUtcNow()))),
            HttpStatusCode.Unauthorized);

        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("single sign-on is not configured"));
    }

    [Test]
    public void Authority_WithoutAudience_StopsTheStart()
    {
        using var app = new ItsmApp(new Dictionary<string, string?> { ["Auth:Oidc:Authority"] = "https://idp.example.net" });

        var failure = Assert.Catch(() => app.CreateClient());
        Assert.That(failure!.ToString(), Does.Contain("Auth:Oidc:Audience"));
    }

    [Test]
    public async Task IdentityProviderDown_Gets503ForTokens_KeysStillWork()
    {
        using var idp = new IdentityProvider();
        using var down = WireMock.Server.WireMockServer.Start();
        down.Given(WireMock.RequestBuilders.Request.Create().UsingAnyMethod())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(500));
        var settings = idp.Settings;
        settings["Auth:Oidc:Authority"] = down.Url;
        using var app = new ItsmApp(settings);
        using var http = app.CreateClient();

        var response = await http.SendAsync(IdentityProvider.Get("/api/v1/me", idp.TokenFor("js-engineer", app.Clock.GetUtcNow())));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:identity-provider-unavailable"));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        using var engineer = app.As(Keys.JsEngineer);
        await engineer.GetJsonAsync("/api/v1/me");
    }
}

/// <summary>Bad bearer tokens count towards the failed-authentication throttle, like wrong API keys.</summary>
[TestFixture]
public sealed class SingleSignOnThrottleTests
{
    private const string Peer = "X-Test-Peer";

    [Test]
    public async Task BadTokens_FromOneAddress_Get429LikeWrongKeys()
    {
        using var idp = new IdentityProvider();
        var settings = idp.Settings;
        settings["Auth:FailureLimit"] = "3";
        using var app = new ItsmApp(settings);
        // The test server has no network peer: a filter in front of the pipeline plays the connection's address.
        using var server = app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new PeerAddress())));
        using var http = server.CreateClient();
        var now = app.Clock.GetUtcNow();

        for (var i = 0; i < 3; i++)
            await TicketClient.ExpectProblemAsync(await http.SendAsync(From("198.51.100.7", idp.TokenFor("js-engineer", now, signedWith: IdentityProvider.ImpostorKey))),
                HttpStatusCode.Unauthorized);

        var throttled = await TicketClient.ExpectProblemAsync(await http.SendAsync(From("198.51.100.7", idp.TokenFor("js-engineer", now))), HttpStatusCode.TooManyRequests);
        Assert.That(throttled["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:too-many-failed-authentications"));
        await TicketClient.ExpectAsync(await http.SendAsync(From("198.51.100.8", idp.TokenFor("js-engineer", now))), HttpStatusCode.OK);
        // A valid token for someone who is not a user is no guess at a credential: it does not count.
        for (var i = 0; i < 3; i++)
            await TicketClient.ExpectProblemAsync(await http.SendAsync(From("198.51.100.9", idp.TokenFor("wang.li", now))), HttpStatusCode.Forbidden);
        await TicketClient.ExpectAsync(await http.SendAsync(From("198.51.100.9", idp.TokenFor("js-engineer", now))), HttpStatusCode.OK);
    }

    private static HttpRequestMessage From(string peer, string token)
    {
        var request = IdentityProvider.Get("/api/v1/me", token);
        request.Headers.Add(Peer, peer);
        return request;
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
