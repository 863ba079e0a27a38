using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Browser;

/// <summary>
/// A browser front-end on another origin: preflights for the configured origins only, the headers a script needs exposed,
/// and the next page of a list named in a <c>Link</c> header.
/// </summary>
[TestFixture]
public sealed class BrowserAccessTests
{
    private const string FrontEnd = "https://helpdesk.example.com";
    private ItsmApp _app = null!;

    [SetUp]
    public void StartApp() => _app = new ItsmApp(new Dictionary<string, string?>
    {
        ["Cors:AllowedOrigins:0"] = FrontEnd,
        ["Cors:AllowedOrigins:1"] = "http://localhost:5173",
    });

    [TearDown]
    public void StopApp() => _app.Dispose();

    private static HttpRequestMessage Preflight(string path, string origin, string method = "POST",
        string headers = "content-type,if-match,idempotency-key,x-api-key,authorization")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    [Test]
    public async Task Preflight_ActionWithIfMatchFromAllowedOrigin_IsAllowedWithoutCredentials()
    {
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(Preflight("/api/v1/tickets/1/resolve", FrontEnd));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo(FrontEnd));
        Assert.That(Header(response, "Access-Control-Allow-Methods"), Does.Contain("POST"));
        var allowed = Header(response, "Access-Control-Allow-Headers").ToLowerInvariant().Split(',').Select(h => h.Trim()).ToList();
        Assert.That(allowed, Is.SupersetOf(new[] { "content-type", "if-match", "idempotency-key", "x-api-key", "authorization" }));
        Assert.That(Header(response, "Access-Control-Allow-Credentials"), Is.Empty, "callers authenticate with a header, never a cookie");
    }

    [Test]
    public async Task Preflight_PatchFromSecondAllowedOrigin_IsAllowed()
    {
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(Preflight("/api/v1/tickets/1", "http://localhost:5173", "PATCH", "content-type,if-match"));

        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo("http://localhost:5173"));
    }

    [TestCase("https://evil.example.com")]
    [TestCase("https://helpdesk.example.com.evil.example")]
    [TestCase("http://helpdesk.example.com")]
    public async Task Preflight_FromOtherOrigin_IsNotAllowed(string origin)
    {
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(Preflight("/api/v1/tickets/1/resolve", origin));

        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.Empty);
        Assert.That(Header(response, "Access-Control-Allow-Headers"), Is.Empty);
    }

    [Test]
    public async Task Preflight_WithHeaderTheServiceDoesNotRead_IsNotAllowed()
    {
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(Preflight("/api/v1/tickets", FrontEnd, headers: "x-forwarded-for"));

        // The browser refuses the request unless each of its headers is listed as allowed.
        Assert.That(Header(response, "Access-Control-Allow-Headers").ToLowerInvariant(), Does.Not.Contain("x-forwarded-for"));
    }

    [Test]
    public async Task CreateTicket_FromAllowedOrigin_ExposesLocationAndETag()
    {
        using var requester = _app.As(Keys.JsRequester);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets") { Content = JsonContent.Create(TicketClient.NewTicket()) };
        request.Headers.Add("Origin", FrontEnd);

        using var response = await requester.Http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo(FrontEnd));
        var exposed = Header(response, "Access-Control-Expose-Headers").ToLowerInvariant().Split(',').Select(h => h.Trim()).ToList();
        Assert.That(exposed, Is.SupersetOf(new[] { "etag", "location", "retry-after", "link" }));
    }

    [Test]
    public async Task UnauthenticatedRequest_FromAllowedOrigin_CarriesCorsHeadersSoThePageCanReadTheProblem()
    {
        using var client = _app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tickets");
        request.Headers.Add("Origin", FrontEnd);

        using var response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo(FrontEnd));
    }

    [Test]
    public async Task ListTickets_WithMorePages_LinksTheNextPageKeepingTheFilters()
    {
        using var requester = _app.As(Keys.ZjRequester);
        for (var i = 0; i < 3; i++) await requester.CreateAsync(TicketClient.NewTicket($"Printer {i} jams"));

        using var first = await requester.Http.GetAsync("/api/v1/tickets?limit=2&status=New");
        var page = (await first.Content.ReadFromJsonAsync<JsonNode>())!;
        var next = page["nextCursor"]!.GetValue<string>();

        var link = Header(first, "Link");
        Assert.That(link, Is.EqualTo($"</api/v1/tickets?limit=2&status=New&cursor={next}>; rel=\"next\""));
        var target = link[1..link.IndexOf('>')];
        using var second = await requester.Http.GetAsync(target);
        var rest = (await second.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.That(rest["items"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(rest["nextCursor"], Is.Null);
        Assert.That(second.Headers.Contains("Link"), Is.False, "the last page links nowhere");
    }

    [Test]
    public async Task ListTickets_FollowedByLink_ReplacesTheCursorRatherThanAddingOne()
    {
        using var requester = _app.As(Keys.ZjRequester);
        for (var i = 0; i < 3; i++) await requester.CreateAsync(TicketClient.NewTicket($"Scanner {i} offline"));
        using var first = await requester.Http.GetAsync("/api/v1/tickets?limit=1");
        var link = Header(first, "Link");

        using var second = await requester.Http.GetAsync(link[1..link.IndexOf('>')]);
        var secondLink = Header(second, "Link");

        Assert.That(secondLink.Split("cursor=").Length - 1, Is.EqualTo(1), secondLink);
        Assert.That(secondLink, Is.Not.EqualTo(link));
    }

    [Test]
    public async Task History_WithMorePages_IsLinkedToo()
    {
        using var desk = _app.As(Keys.JsServiceDesk);
        var ticket = await desk.CreateAsync();
        await desk.ActOkAsync(ticket.Id, "triage", new { group = "JS-L2SYS" }, ticket.Version);

        using var response = await desk.Http.GetAsync($"/api/v1/tickets/{ticket.Id}/history?limit=1");

        Assert.That(Header(response, "Link"), Does.StartWith($"</api/v1/tickets/{ticket.Id}/history?limit=1&cursor="));
    }

    [Test]
    public async Task Preflight_DownloadWithIfNoneMatch_IsAllowed()
    {
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(Preflight("/api/v1/tickets/1/attachments/1", FrontEnd, "GET", "if-none-match,x-api-key"));

        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo(FrontEnd));
        Assert.That(Header(response, "Access-Control-Allow-Headers").ToLowerInvariant(), Does.Contain("if-none-match"));
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task Request_FromAnAllowedOrigin_ExposesContentDispositionAndVariesByOrigin(int origins)
    {
        var settings = new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = FrontEnd };
        if (origins == 2) settings["Cors:AllowedOrigins:1"] = "http://localhost:5173";
        using var app = new ItsmApp(settings);
        using var manager = app.As(Keys.JsItManager);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tickets?limit=1");
        request.Headers.Add("Origin", FrontEnd);

        using var response = await manager.Http.SendAsync(request);

        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo(FrontEnd));
        Assert.That(Header(response, "Access-Control-Expose-Headers").ToLowerInvariant(), Does.Contain("content-disposition"));
        Assert.That(response.Headers.Vary.Select(v => v.ToLowerInvariant()), Does.Contain("origin"));
    }
}

/// <summary>Without configured origins a cross-origin request gets no CORS headers at all.</summary>
[TestFixture]
public sealed class NoBrowserAccessTests
{
    [Test]
    public async Task Preflight_WithoutConfiguredOrigins_IsNotAllowed()
    {
        using var app = new ItsmApp();
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/tickets");
        request.Headers.Add("Origin", "https://helpdesk.example.com");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        using var response = await client.SendAsync(request);

        Assert.That(response.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
    }

    [Test]
    public void Start_WithMalformedOrigin_Fails()
    {
        using var app = new ItsmApp(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "https://helpdesk.example.com/app" });

        Assert.That(() => app.CreateClient(), Throws.InstanceOf<InvalidOperationException>().With.Message.Contains("Cors:AllowedOrigins"));
    }
}
