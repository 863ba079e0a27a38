using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Workflow;

[TestFixture]
public sealed class WorkflowAndHealthTests
{
    private ItsmApp _app = null!;

    [OneTimeSetUp]
    public void StartApp() => _app = new ItsmApp();

    [OneTimeTearDown]
    public void StopApp() => _app.Dispose();

    [Test]
    public async Task Workflow_ListsTheTableAndDrawsEveryTransition()
    {
        using var client = _app.As(Keys.JsRequester);

        var workflow = await client.GetJsonAsync("/api/v1/workflow");

        var transitions = workflow["transitions"]!.AsArray();
        var mermaid = workflow["mermaid"]!.GetValue<string>();
        Assert.That(mermaid, Does.StartWith("stateDiagram-v2"));
        foreach (var t in transitions.Where(t => t!["to"] is not null))
        {
            var from = t!["from"]?.GetValue<string>() ?? "[*]";
            Assert.That(mermaid, Does.Contain($"{from} --> {t["to"]!.GetValue<string>()}: {t["action"]!.GetValue<string>()}"));
        }
        Assert.That(transitions.Any(t => t!["action"]!.GetValue<string>() == "approve" && t["role"]!.GetValue<string>() == "BusinessApprover"
                                         && t["guards"]!.AsArray().Any(g => g!.GetValue<string>() == "notOwnRequest")));
        Assert.That(workflow["states"]!.AsArray().Select(s => s!.GetValue<string>()), Does.Contain("EscalatedToHq"));
        Assert.That(workflow["actions"]!.AsArray().Select(s => s!.GetValue<string>()), Does.Contain("auto-close"));
    }

    [Test]
    public async Task Health_IsAnonymousAndReportsTheDatabase()
    {
        using var client = _app.As(null);

        Assert.That((await client.Http.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await client.GetJsonAsync("/health/ready");
        Assert.That(ready["database"]!.GetValue<string>(), Is.EqualTo(_app.Provider.ToString()));
    }

    [Test]
    public async Task DemoData_IsSeededOnceWithAKeyPerRolePerUnit()
    {
        foreach (var key in new[] { Keys.JsRequester, Keys.JsServiceDesk, Keys.JsEngineer, Keys.JsApprover, Keys.JsItManager,
                     Keys.ZjRequester, Keys.ZjServiceDesk, Keys.ZjEngineer, Keys.ZjApprover, Keys.ZjItManager,
                     Keys.HqEngineer, Keys.HqItManager, Keys.HqIntegration })
        {
            using var client = _app.As(key);
            var me = await client.GetJsonAsync("/api/v1/me");
            Assert.That(key, Does.EndWith(me["id"]!.GetValue<string>()));
        }

        var seededAgain = await _app.Services.GetRequiredService<Itsm.Infrastructure.Organisation.DemoData>().SeedIfEmptyAsync();
        Assert.That(seededAgain, Is.False);
    }
}
