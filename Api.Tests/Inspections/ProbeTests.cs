using Itsm.Domain.Organisation;
using Itsm.Domain.Inspections;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Inspections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Inspections;

/// <summary>
/// The service's own probes against a WireMock target: pass, wrong status, timeout, too slow, TCP refused. Latency is
/// measured on a clock that moves 500 ms per reading, so "too slow" never races real time; a timeout is a real
/// timeout of 300 ms against a reply delayed by 5 s.
/// </summary>
[TestFixture]
public sealed class ProbeTests
{
    private WireMockServer _target = null!;
    private ItsmApp _app = null!;
    private WebApplicationFactory<Program> _service = null!;
    private TicketClient _manager = null!;
    private int _closedPort;

    [OneTimeSetUp]
    public void Start()
    {
        _target = WireMockServer.Start();
        _target.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ERP OK"));
        _target.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503).WithBody("maintenance"));
        _target.Given(Request.Create().WithPath("/hangs").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        _app = new ItsmApp(new Dictionary<string, string?> { ["Inspections:AllowedTargets:0"] = "127.0.0.0/8" });
        var timing = new ProbeTiming(new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMilliseconds(500) });
        _service = _app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton(timing)));
        var http = _service.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", Keys.JsItManager);
        _manager = new TicketClient(http);
        // The target answers its first request slowly while it warms up; probes time out on real time.
        using var warm = new HttpClient();
        warm.GetAsync(Url("/health")).GetAwaiter().GetResult();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _manager.Dispose();
        _service.Dispose();
        _app.Dispose();
        _target.Stop();
    }

    private string Url(string path) => $"http://127.0.0.1:{_target.Port}{path}";

    private async Task<JsonNode> RunNowAsync(params object[] items)
    {
        var plan = await Inspect.CreatePlanAsync(_manager, Inspect.Plan(items: items));
        var response = await Inspect.PostAsync(_manager, $"/api/v1/inspection-plans/{plan["id"]}/run-now");
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Test]
    public async Task Probes_OfEveryKind_RecordStatusLatencyAndError_AndTheAllAutomaticRunCompletesItself()
    {
        var run = await RunNowAsync(
            new { code = "UP", title = "Portal answers", kind = "Http", target = Url("/health"), expect = new { contains = "ERP OK" } },
            new { code = "DOWN", title = "Service page answers", kind = "Http", target = Url("/down") },
            new { code = "HANGS", title = "Report page answers", kind = "Http", target = Url("/hangs"), timeoutMs = 300 },
            new { code = "SLOW", title = "Portal answers quickly", kind = "Http", target = Url("/health"), expect = new { maxLatencyMs = 100 } },
            new { code = "PORT", title = "Portal port open", kind = "Tcp", target = $"127.0.0.1:{_target.Port}" },
            new { code = "REFUSED", title = "Database port open", kind = "Tcp", target = $"127.0.0.1:{_closedPort}" });

        Assert.That(Result(run, "UP"), Is.EqualTo("Pass"));
        Assert.That(Inspect.Item(run, "UP")["probe"]!["status"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(Inspect.Item(run, "UP")["probe"]!["latencyMs"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(500));
        Assert.That(Result(run, "DOWN"), Is.EqualTo("Fail"));
        Assert.That(Inspect.Item(run, "DOWN")["probe"]!["status"]!.GetValue<int>(), Is.EqualTo(503));
        Assert.That(Error(run, "DOWN"), Is.EqualTo("status 503, expected 2xx"));
        Assert.That(Result(run, "HANGS"), Is.EqualTo("Fail"));
        Assert.That(Error(run, "HANGS"), Is.EqualTo("timed out after 300 ms"));
        Assert.That(Result(run, "SLOW"), Is.EqualTo("Fail"));
        Assert.That(Error(run, "SLOW"), Does.StartWith("latency ").And.EndWith(" ms exceeds 100 ms"));
        Assert.That(Result(run, "PORT"), Is.EqualTo("Pass"));
        Assert.That(Result(run, "REFUSED"), Is.EqualTo("Fail"));
        Assert.That(Error(run, "REFUSED"), Is.EqualTo("connection refused"));
        Assert.That(run["state"]!.GetValue<string>(), Is.EqualTo("Failed"), "every item is automatic: the run completed itself");
        Assert.That(run["endedBy"]!.GetValue<string>(), Is.EqualTo("system"));

        var ticket = await _manager.GetJsonAsync($"/api/v1/tickets/{Inspect.Item(run, "REFUSED")["ticketId"]}");
        Assert.That(ticket["requester"]!.GetValue<string>(), Is.EqualTo("system"), "a probe's finding is raised by the service itself");
        Assert.That(ticket["description"]!.GetValue<string>(), Does.Contain("connection refused"));
        Assert.That(Inspect.Item(run, "UP")["ticketId"], Is.Null);
    }

    [Test]
    public async Task Probes_AllPassing_CompleteTheRunAsPassed()
    {
        var run = await RunNowAsync(new { code = "UP", title = "Portal answers", kind = "Http", target = Url("/health"), expect = new { status = 200 } });

        Assert.That(run["state"]!.GetValue<string>(), Is.EqualTo("Passed"));
    }

    [Test]
    public async Task Probes_OfAMixedRun_AreRecordedAndThePeopleDoTheRest()
    {
        var run = await RunNowAsync(Inspect.Manual("LOGIN", "Log in"), new { code = "UP", title = "Portal answers", kind = "Http", target = Url("/health") });

        Assert.That(run["state"]!.GetValue<string>(), Is.EqualTo("Scheduled"));
        Assert.That(Result(run, "UP"), Is.EqualTo("Pass"));
        Assert.That(Inspect.Item(run, "UP")["recordedBy"]!.GetValue<string>(), Is.EqualTo("system"));
        Assert.That(Inspect.Item(run, "LOGIN")["result"], Is.Null);
    }

    [Test]
    public async Task Run_CreatedButNotProbedBeforeARestart_IsProbedByTheNextPass()
    {
        var plan = await Inspect.CreatePlanAsync(_manager, Inspect.Plan(items:
            [new { code = "UP", title = "Portal answers", kind = "Http", target = Url("/health") }]));
        var store = _service.Services.GetRequiredService<InspectionStore>();
        var stored = await store.GetPlanAsync(plan["id"]!.GetValue<long>(), Actor.System, CancellationToken.None);
        // The run a pass created just before the service stopped, its probe never made.
        var run = await store.CreateRunAsync(InspectionRun.Schedule(stored!, "JS", _app.Clock.GetUtcNow()), null, CancellationToken.None);

        var pass = await _service.Services.GetRequiredService<InspectionScheduler>().RunPassAsync(CancellationToken.None);

        Assert.That(pass.Probed, Is.GreaterThanOrEqualTo(1));
        var after = await Inspect.RunAsync(_manager, run.Id);
        Assert.That((after["state"]!.GetValue<string>(), Result(after, "UP")), Is.EqualTo(("Passed", "Pass")));
    }

    private static string Result(JsonNode run, string code) => Inspect.Item(run, code)["result"]!.GetValue<string>();

    private static string Error(JsonNode run, string code) => Inspect.Item(run, code)["probe"]!["error"]!.GetValue<string>();
}
