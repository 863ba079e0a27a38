using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Inspections;

/// <summary>Inspection plans: written by the unit's IT managers with If-Match and versions, read by everyone in scope, refused when wrong.</summary>
[TestFixture]
public sealed class InspectionPlanTests
{
    private ItsmApp _app = null!;
    private TicketClient _manager = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _app = new ItsmApp(new Dictionary<string, string?> { ["Inspections:AllowedTargets:0"] = "erp.js.example", ["Inspections:AllowedTargets:1"] = "10.20.0.0/16" });
        _manager = _app.As(Keys.JsItManager);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _manager.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task CreatePlan_AsItManager_StoresVersionOneWithItsNextRun()
    {
        var plan = await Inspect.CreatePlanAsync(_manager, Inspect.Plan());

        Assert.That(plan["version"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(plan["unit"]!.GetValue<string>(), Is.EqualTo("JS"), "the unit defaults to the group's");
        Assert.That(plan["window"]!.GetValue<int>(), Is.EqualTo(120));
        // The fake clock stands at 09:00 in Shanghai on Tuesday 1 December: the next run is at 15:00 that day.
        Assert.That(plan["nextRunAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(new DateTimeOffset(2026, 12, 1, 7, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task PutPlan_WithCurrentETag_SavesTheNextVersion_AndAStaleOneIsRefused()
    {
        var plan = await Inspect.CreatePlanAsync(_manager, Inspect.Plan());
        var id = plan["id"]!.GetValue<long>();
        var changed = Inspect.Plan(name: "ERP inspection, afternoon only", times: ["14:00"]);

        var missing = await _manager.Http.PutAsJsonAsync($"/api/v1/inspection-plans/{id}", changed);
        var saved = await Put(id, changed, "\"1\"");
        var stale = await Put(id, changed, "\"1\"");

        await TicketClient.ExpectProblemAsync(missing, HttpStatusCode.PreconditionRequired);
        await TicketClient.ExpectAsync(saved, HttpStatusCode.OK);
        Assert.That(saved.Headers.ETag?.Tag, Is.EqualTo("\"2\""));
        Assert.That((await saved.Content.ReadFromJsonAsync<JsonNode>())!["name"]!.GetValue<string>(), Is.EqualTo("ERP inspection, afternoon only"));
        var problem = await TicketClient.ExpectProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        Assert.That(problem["currentETag"]!.GetValue<string>(), Is.EqualTo("\"2\""));
    }

    [Test]
    public async Task Deactivate_StopsScheduling_AndTwiceIsAConflict()
    {
        var id = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan()))["id"]!.GetValue<long>();

        var first = await Inspect.PostAsync(_manager, $"/api/v1/inspection-plans/{id}/deactivate", ifMatch: "\"1\"");
        var again = await Inspect.PostAsync(_manager, $"/api/v1/inspection-plans/{id}/deactivate", ifMatch: "\"2\"");

        var plan = (await first.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.That(plan["active"]!.GetValue<bool>(), Is.False);
        Assert.That(plan["nextRunAt"], Is.Null);
        await TicketClient.ExpectProblemAsync(again, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task CreatePlan_AsEngineer_IsForbidden()
    {
        using var engineer = _app.As(Keys.JsEngineer);
        var response = await engineer.Http.PostAsJsonAsync("/api/v1/inspection-plans", Inspect.Plan());
        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task PlanOfJiangsu_SeenFromZhejiang_IsNotFoundAndNotListed()
    {
        var id = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan()))["id"]!.GetValue<long>();
        using var zj = _app.As(Keys.ZjItManager);
        using var jsEngineer = _app.As(Keys.JsEngineer);

        await TicketClient.ExpectProblemAsync(await zj.Http.GetAsync($"/api/v1/inspection-plans/{id}"), HttpStatusCode.NotFound);
        Assert.That((await zj.GetJsonAsync("/api/v1/inspection-plans?limit=200"))["items"]!.AsArray().Select(p => p!["id"]!.GetValue<long>()), Does.Not.Contain(id));
        Assert.That((await jsEngineer.GetJsonAsync($"/api/v1/inspection-plans/{id}"))["id"]!.GetValue<long>(), Is.EqualTo(id), "everyone in scope reads plans");
    }

    [Test]
    public async Task CreatePlan_ForAUnitOutsideTheCallersScope_IsForbidden()
    {
        using var zj = _app.As(Keys.ZjItManager);
        var response = await zj.Http.PostAsJsonAsync("/api/v1/inspection-plans", Inspect.Plan());
        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
    }

    public static IEnumerable<TestCaseData> BadPlans()
    {
        yield return Case("a time that is no time", Inspect.Plan(times: ["25:00"]), 400, "schedule.times[0]");
        yield return Case("a time without minutes", Inspect.Plan(times: ["9"]), 400, "schedule.times[0]");
        yield return Case("days in no known form", Inspect.Plan(days: "Fortnightly"), 400, "schedule.days");
        yield return Case("a weekday that does not exist", Inspect.Plan(days: "Weekly:Mon,Fun"), 400, "schedule.days");
        yield return Case("a day of the month beyond 31", Inspect.Plan(days: "Monthly:1,32"), 400, "schedule.days");
        yield return Case("no items", Inspect.Plan(items: []), 400, "items");
        yield return Case("duplicate item codes", Inspect.Plan(items: [Inspect.Manual("A"), Inspect.Manual("A")]), 400, "items[1].code");
        yield return Case("item codes differing only in case", Inspect.Plan(items: [Inspect.Manual("a"), Inspect.Manual("A")]), 400, "items[1].code");
        yield return Case("an ftp target", Inspect.Plan(items: [new { code = "WEB", title = "Portal", kind = "Http", target = "ftp://erp.js.example/" }]), 400, "items[0].target");
        yield return Case("a Tcp target without port", Inspect.Plan(items: [new { code = "DB", title = "Database", kind = "Tcp", target = "erp.js.example" }]), 400, "items[0].target");
        yield return Case("a host not allowed", Inspect.Plan(items: [new { code = "WEB", title = "Portal", kind = "Http", target = "https://evil.example/" }]), 422, "items[0].target");
        yield return Case("an address outside the allowed networks", Inspect.Plan(items: [new { code = "DB", title = "Database", kind = "Tcp", target = "10.30.0.1:1521" }]), 422, "items[0].target");
        yield return Case("loopback outside Development", Inspect.Plan(items: [new { code = "WEB", title = "Portal", kind = "Http", target = "http://localhost:5080/health/live" }]), 422, "items[0].target");
        yield return Case("an unknown calendar", Inspect.Plan(calendar: "NO-SUCH"), 422, "schedule.calendar");
        yield return Case("an unknown system", Inspect.Plan(system: "NO-SUCH"), 422, "system");
        yield return Case("another province's system", Inspect.Plan(system: "ZJ-MKT"), 422, "system");
        yield return Case("an unknown group", Inspect.Plan(group: "NO-SUCH"), 422, "group");
        yield return Case("a line-1 group", Inspect.Plan(group: "JS-L1"), 422, "group");
        yield return Case("another province's group", Inspect.Plan(group: "ZJ-L2BIZ", unit: "JS"), 422, "group");
        yield return Case("an unknown unit", Inspect.Plan(unit: "NO-SUCH"), 422, "unit");
        yield return Case("a window of a day and more", Inspect.Plan(window: 2000), 400, "window");

        static TestCaseData Case(string name, object plan, int status, string field) => new TestCaseData(plan, status, field).SetName($"CreatePlan_With {name}_Is{status}NamingTheField");
    }

    [TestCaseSource(nameof(BadPlans))]
    public async Task CreatePlan_WithBadInput_IsRefusedNamingTheField(object plan, int status, string field)
    {
        var before = (await _manager.GetJsonAsync("/api/v1/inspection-plans?limit=200"))["items"]!.AsArray().Count;

        var response = await _manager.Http.PostAsJsonAsync("/api/v1/inspection-plans", plan);

        var problem = await TicketClient.ExpectProblemAsync(response, (HttpStatusCode)status);
        var named = problem["errors"] is JsonObject errors ? errors.Select(e => e.Key).ToList() : [problem["field"]!.GetValue<string>()];
        Assert.That(named, Does.Contain(field), problem.ToJsonString());
        Assert.That((await _manager.GetJsonAsync("/api/v1/inspection-plans?limit=200"))["items"]!.AsArray(), Has.Count.EqualTo(before), "nothing was saved");
    }

    [Test]
    public async Task CreatePlan_WithAllowedTargets_IsAccepted()
    {
        var plan = await Inspect.CreatePlanAsync(_manager, Inspect.Plan(items:
        [
            new { code = "WEB", title = "Portal answers", kind = "Http", target = "https://erp.js.example/health", expect = new { status = 200, maxLatencyMs = 2000 } },
            new { code = "DB", title = "Database port", kind = "Tcp", target = "10.20.1.5:1521" },
        ]));
        Assert.That(plan["items"]!.AsArray(), Has.Count.EqualTo(2));
    }

    private Task<HttpResponseMessage> Put(long id, object body, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/inspection-plans/{id}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _manager.Http.SendAsync(request);
    }
}
