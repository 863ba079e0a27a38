using Itsm.Api.Tests.Setup;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Inspections;

/// <summary>The demo plan: a newcomer sees a run and its probe result within a minute of the first start.</summary>
[TestFixture]
public sealed class DemoPlanTests
{
    [Test]
    public async Task DemoPlan_SeededWithTheDemoOrganisation_RunsAndProbesHalfAMinuteLater()
    {
        using var service = WireMockServer.Start();
        service.Given(Request.Create().WithPath("/health/live").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"live"}"""));
        using var app = new ItsmApp(new Dictionary<string, string?>
        {
            ["Inspections:DemoPlan"] = "true", ["Inspections:DemoProbeUrl"] = $"http://127.0.0.1:{service.Port}/health/live",
            ["Inspections:AllowedTargets:0"] = "127.0.0.0/8",
        });
        using var manager = app.As(Keys.JsItManager);
        // The stand-in answers its first request slowly while it warms up; the probe's own timeout is real time.
        using (var warm = new HttpClient()) await warm.GetAsync($"http://127.0.0.1:{service.Port}/health/live");
        var plan = (await manager.GetJsonAsync("/api/v1/inspection-plans"))["items"]!.AsArray().Single()!;

        var before = await Inspect.PassAsync(app);
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var due = await Inspect.PassAsync(app);

        Assert.That(plan["system"]!.GetValue<string>(), Is.EqualTo("ERP"));
        Assert.That(plan["unit"]!.GetValue<string>(), Is.EqualTo("JS"));
        Assert.That(plan["items"]!.AsArray().Select(i => i!["kind"]!.GetValue<string>()), Is.EqualTo(new[] { "Manual", "Manual", "Http" }));
        Assert.That(before.RunsCreated, Is.Zero);
        Assert.That(due.RunsCreated, Is.EqualTo(1));
        var run = (await Inspect.RunsAsync(manager, plan["id"]!.GetValue<long>())).Single()!;
        Assert.That(Inspect.Item(run, "LIVE")["result"]!.GetValue<string>(), Is.EqualTo("Pass"), run.ToJsonString());
        Assert.That(Inspect.Item(run, "LIVE")["probe"]!["status"]!.GetValue<int>(), Is.EqualTo(200));
    }
}
