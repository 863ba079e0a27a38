using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Inspections;

/// <summary>Runs: created by the scheduler at their times on the calendar's working days, performed by the group's engineers, missed once.</summary>
[TestFixture]
public sealed class InspectionRunTests
{
    // Tuesday 1 December 2026, 09:00 in Shanghai, is where the fake clock starts.
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);
    private ItsmApp _app = null!;
    private TicketClient _manager = null!;
    private TicketClient _engineer = null!;

    [SetUp]
    public void StartApp()
    {
        _app = new ItsmApp();
        _manager = _app.As(Keys.JsItManager);
        _engineer = _app.As(Keys.JsEngineer);
    }

    [TearDown]
    public void StopApp()
    {
        _manager.Dispose();
        _engineer.Dispose();
        _app.Dispose();
    }

    private static DateTimeOffset Local(int day, int hour, int minute = 0) => new DateTimeOffset(2026, 12, day, hour, minute, 0, TimeSpan.FromHours(8)).ToUniversalTime();

    /// <summary>Monday 7 December is a holiday; Saturday 12 December is a make-up working day.</summary>
    private async Task WithInspectionCalendarAsync()
    {
        using var hq = _app.As(Keys.HqItManager);
        var day = new[] { new { start = "08:30", end = "17:30" } };
        var response = await hq.Http.PutAsJsonAsync("/api/v1/calendars/JS-INSPECT", new
        {
            name = "Jiangsu working days", timeZone = "Asia/Shanghai",
            week = new { monday = day, tuesday = day, wednesday = day, thursday = day, friday = day, saturday = Array.Empty<object>(), sunday = Array.Empty<object>() },
            holidays = new[] { "2026-12-07" }, workdays = new[] { "2026-12-12" },
        });
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Scheduler_CreatesEachRunExactlyAtItsTime_OnWorkingDaysIncludingAMakeUpSaturdayAndNotOnAHolidayMonday()
    {
        await WithInspectionCalendarAsync();
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan(calendar: "JS-INSPECT")))["id"]!.GetValue<long>();

        _app.Clock.SetUtcNow(Local(1, 15) - TimeSpan.FromSeconds(1));
        var early = await Inspect.PassAsync(_app);
        _app.Clock.SetUtcNow(Local(1, 15));
        var onTime = await Inspect.PassAsync(_app);
        var first = await Inspect.RunsAsync(_manager, planId);
        // Two weeks later the pass catches up with every due time (the service may have been down).
        _app.Clock.SetUtcNow(Local(14, 23));
        await Inspect.PassAsync(_app);

        Assert.That(early.RunsCreated, Is.Zero, "a second before its time the run is not due");
        Assert.That(onTime.RunsCreated, Is.EqualTo(1));
        Assert.That(first.Single()!["scheduledAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(Local(1, 15)));
        var days = new[] { 2, 3, 4, 8, 9, 10, 11, 12, 14 };
        var expected = new[] { Local(1, 15) }.Concat(days.SelectMany(d => new[] { Local(d, 9), Local(d, 15) })).ToList();
        var scheduled = (await Inspect.RunsAsync(_manager, planId)).Select(r => r!["scheduledAt"]!.GetValue<DateTimeOffset>()).Order().ToList();
        Assert.That(scheduled, Is.EqualTo(expected));
    }

    [Test]
    public async Task Scheduler_RunAgainAfterARestartInTheMiddleOfAPass_CreatesNoRunTwice()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan()))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(3, 16));
        var first = await Inspect.PassAsync(_app);
        // A scheduler that stopped after creating runs but before moving its plan on (the worst place to stop): the plan
        // points at a time whose run already exists.
        var database = _app.Services.GetRequiredService<Database>();
        await database.WriteAsync((c, t, ct) => c.ExecuteAsync(new CommandDefinition(
            "UPDATE InspectionPlans SET NextRunAt = @at WHERE Id = @planId", new { at = Local(1, 15), planId }, t, cancellationToken: ct)), CancellationToken.None);

        var again = await Inspect.PassAsync(_app);
        var plan = await _manager.GetJsonAsync($"/api/v1/inspection-plans/{planId}");

        Assert.That(first.RunsCreated, Is.EqualTo(5), "Tue 15:00, Wed and Thu 09:00 and 15:00");
        var scheduled = (await Inspect.RunsAsync(_manager, planId)).Select(r => r!["scheduledAt"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.That(scheduled, Is.Unique);
        Assert.That(scheduled, Has.Count.EqualTo(5));
        Assert.That(again.RunsCreated, Is.EqualTo(5), "the pass walked the same times again and found their runs");
        Assert.That(plan["nextRunAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(Local(4, 9)));
    }

    [Test]
    public async Task ManualRun_EndToEnd_RecordsWhoDidWhat_OpensAFindingForTheFailedItem_AndIsFinal()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan()))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(1, 15));
        await Inspect.PassAsync(_app);
        var runId = (await Inspect.RunsAsync(_manager, planId)).Single()!["id"]!.GetValue<long>();

        var started = await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/start");
        var early = await Inspect.PostAsync(_engineer, $"/api/v1/inspection-runs/{runId}/complete");
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/results",
            new { items = new[] { new { code = "LOGIN", result = "Pass", observation = "Login in 2 s" } } });
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        var partial = await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/results",
            new { items = new[] { new { code = "POSTING", result = "Fail", observation = "Posting hangs at step 3" } } });
        var completed = await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/complete");
        var after = await Inspect.PostAsync(_engineer, $"/api/v1/inspection-runs/{runId}/results",
            new { items = new[] { new { code = "POSTING", result = "Pass", observation = "Fine now" } } });

        Assert.That(started["state"]!.GetValue<string>(), Is.EqualTo("InProgress"));
        Assert.That(started["startedBy"]!.GetValue<string>(), Is.EqualTo("js-engineer"));
        await TicketClient.ExpectProblemAsync(early, HttpStatusCode.Conflict);
        Assert.That(Inspect.Item(partial, "LOGIN")["result"]!.GetValue<string>(), Is.EqualTo("Pass"), "a partial save keeps the earlier one");
        Assert.That(completed["state"]!.GetValue<string>(), Is.EqualTo("Failed"));
        Assert.That(completed["endedBy"]!.GetValue<string>(), Is.EqualTo("js-engineer"));
        Assert.That(Inspect.Item(completed, "POSTING")["recordedAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(Local(1, 15, 5)));
        await TicketClient.ExpectProblemAsync(after, HttpStatusCode.Conflict);

        var ticketId = Inspect.Item(completed, "POSTING")["ticketId"]!.GetValue<long>();
        Assert.That(Inspect.Item(completed, "LOGIN")["ticketId"], Is.Null);
        var ticket = await _engineer.GetJsonAsync($"/api/v1/tickets/{ticketId}");
        Assert.That(ticket["category"]!.GetValue<string>(), Is.EqualTo("InspectionFinding"));
        Assert.That(ticket["status"]!.GetValue<string>(), Is.EqualTo("Triaged"));
        Assert.That(ticket["group"]!.GetValue<string>(), Is.EqualTo("JS-L2BIZ"));
        Assert.That(ticket["requester"]!.GetValue<string>(), Is.EqualTo("js-engineer"));
        Assert.That(ticket["unit"]!.GetValue<string>(), Is.EqualTo("JS"));
        Assert.That(ticket["priority"]!.GetValue<string>(), Is.EqualTo("P2"), "Unit × Medium unless the item says otherwise");
        Assert.That(ticket["description"]!.GetValue<string>(), Does.Contain("Posting hangs at step 3"));
        Assert.That(ticket["inspection"]!["runId"]!.GetValue<long>(), Is.EqualTo(runId));
        Assert.That(ticket["inspection"]!["item"]!.GetValue<string>(), Is.EqualTo("POSTING"));
        Assert.That(ticket["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()), Does.Contain("start"), "the group's engineer can work on it");
        var sla = await _engineer.GetJsonAsync($"/api/v1/tickets/{ticketId}/sla");
        Assert.That(sla["clocks"]!.AsArray().Single(c => c!["kind"]!.GetValue<string>() == "Response")!["state"]!.GetValue<string>(), Is.EqualTo("Met"));
    }

    [Test]
    public async Task Results_PostedTwiceAtOnce_OpenExactlyOneFindingTicket()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan()))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(1, 15));
        await Inspect.PassAsync(_app);
        var runId = (await Inspect.RunsAsync(_manager, planId)).Single()!["id"]!.GetValue<long>();
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/start");
        var body = new { items = new[] { new { code = "POSTING", result = "Fail", observation = "Posting hangs" } } };

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Inspect.PostAsync(_engineer, $"/api/v1/inspection-runs/{runId}/results", body)));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        var findings = (await _manager.GetJsonAsync("/api/v1/tickets?category=InspectionFinding&limit=200"))["items"]!.AsArray();
        Assert.That(findings, Has.Count.EqualTo(1));
        Assert.That(Inspect.Item(await Inspect.RunAsync(_engineer, runId), "POSTING")["ticketId"]!.GetValue<long>(), Is.EqualTo(findings[0]!["id"]!.GetValue<long>()));
    }

    [Test]
    public async Task Run_NotCompletedWithinItsWindow_IsMissedOnce_AndTellsTheGroupAndTheItManagers()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan(window: 60)))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(1, 15));
        await Inspect.PassAsync(_app);
        var runId = (await Inspect.RunsAsync(_manager, planId)).Single()!["id"]!.GetValue<long>();
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/start");

        _app.Clock.SetUtcNow(Local(1, 15, 59));
        var before = await Inspect.PassAsync(_app);
        _app.Clock.SetUtcNow(Local(1, 16));
        var missed = await Inspect.PassAsync(_app);
        var again = await Inspect.PassAsync(_app);
        var late = await Inspect.PostAsync(_engineer, $"/api/v1/inspection-runs/{runId}/results",
            new { items = new[] { new { code = "LOGIN", result = "Pass" } } });

        Assert.That(before.Missed, Is.Zero);
        Assert.That(missed.Missed, Is.EqualTo(1));
        Assert.That(again.Missed, Is.Zero);
        var run = await Inspect.RunAsync(_manager, runId);
        Assert.That(run["state"]!.GetValue<string>(), Is.EqualTo("Missed"));
        Assert.That(run["allowedActions"]!.AsArray(), Is.Empty);
        await TicketClient.ExpectProblemAsync(late, HttpStatusCode.Conflict);
        foreach (var (client, kind) in new[] { (_engineer, "Group"), (_manager, "ItManagers") })
        {
            var notes = (await client.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray()
                .Where(n => n!["type"]!.GetValue<string>() == "inspection.missed").ToList();
            Assert.That(notes, Has.Count.EqualTo(1), kind);
            Assert.That(notes[0]!["inspectionRunId"]!.GetValue<long>(), Is.EqualTo(runId));
            Assert.That(notes[0]!["recipientKind"]!.GetValue<string>(), Is.EqualTo(kind));
        }
        using var zj = _app.As(Keys.ZjItManager);
        Assert.That((await zj.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task RunOfJiangsu_SeenFromZhejiang_IsNotFoundNotListed_AndZhejiangEngineersCannotPerformIt()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan()))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(1, 15));
        await Inspect.PassAsync(_app);
        var runId = (await Inspect.RunsAsync(_manager, planId)).Single()!["id"]!.GetValue<long>();
        using var zj = _app.As(Keys.ZjItManager);
        using var zjEngineer = _app.As(Keys.ZjEngineer);
        using var desk = _app.As(Keys.JsServiceDesk);

        await TicketClient.ExpectProblemAsync(await zj.Http.GetAsync($"/api/v1/inspection-runs/{runId}"), HttpStatusCode.NotFound);
        Assert.That((await zj.GetJsonAsync("/api/v1/inspection-runs"))["items"]!.AsArray(), Is.Empty);
        await TicketClient.ExpectProblemAsync(await Inspect.PostAsync(zjEngineer, $"/api/v1/inspection-runs/{runId}/start"), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await Inspect.PostAsync(desk, $"/api/v1/inspection-runs/{runId}/start"), HttpStatusCode.Forbidden);
        Assert.That((await desk.GetJsonAsync($"/api/v1/inspection-runs/{runId}"))["state"]!.GetValue<string>(), Is.EqualTo("Scheduled"), "in scope, readable");
    }

    [Test]
    public async Task Results_TurningAFailedItemIntoAPass_Is409_AndTheRunCannotPassWithItsFindingOpen()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan()))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(1, 15));
        await Inspect.PassAsync(_app);
        var runId = (await Inspect.RunsAsync(_manager, planId)).Single()!["id"]!.GetValue<long>();
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/start");
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/results",
            new { items = new[] { new { code = "LOGIN", result = "Fail", observation = "Login refused" } } });

        var rewrite = await Inspect.PostAsync(_engineer, $"/api/v1/inspection-runs/{runId}/results", new
        {
            items = new[] { new { code = "LOGIN", result = "Pass", observation = "Fine" }, new { code = "POSTING", result = "Pass", observation = "Fine" } },
        });

        await TicketClient.ExpectProblemAsync(rewrite, HttpStatusCode.Conflict);
        var run = await Inspect.RunAsync(_engineer, runId);
        Assert.That(Inspect.Item(run, "LOGIN")["result"]!.GetValue<string>(), Is.EqualTo("Fail"));
        Assert.That(Inspect.Item(run, "POSTING")["result"], Is.Null, "nothing partial was saved");
    }

    [Test]
    public async Task Complete_AfterTheWindowBeforeThePassMarksItMissed_Is409()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan(window: 60)))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(1, 15));
        await Inspect.PassAsync(_app);
        var runId = (await Inspect.RunsAsync(_manager, planId)).Single()!["id"]!.GetValue<long>();
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/start");
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/results", new
        {
            items = new[] { new { code = "LOGIN", result = "Pass", observation = "Fine" }, new { code = "POSTING", result = "Pass", observation = "Fine" } },
        });
        _app.Clock.Advance(TimeSpan.FromMinutes(61));

        var late = await Inspect.PostAsync(_engineer, $"/api/v1/inspection-runs/{runId}/complete");

        await TicketClient.ExpectProblemAsync(late, HttpStatusCode.Conflict);
        await Inspect.PassAsync(_app);
        Assert.That((await Inspect.RunAsync(_engineer, runId))["state"]!.GetValue<string>(), Is.EqualTo("Missed"));
    }

    [TestCase("to=0001-01-10T00:00:00Z")]
    [TestCase("from=0001-01-01T00:00:00Z&to=2026-12-01T00:00:00Z")]
    public async Task Summary_WithARangeBeforeTheYear2000_Is400(string query)
    {
        var response = await _manager.Http.GetAsync($"/api/v1/inspection-runs/summary?{query}");

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task FailedItem_SavedButItsFindingNotOpenedBeforeACrash_IsOpenedByTheNextPass()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan()))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(1, 15));
        await Inspect.PassAsync(_app);
        var runId = (await Inspect.RunsAsync(_manager, planId)).Single()!["id"]!.GetValue<long>();
        // The result is committed the way the run's change path commits it, and the service stops before the finding is opened.
        var store = _app.Services.GetRequiredService<Itsm.Infrastructure.Inspections.InspectionStore>();
        var run = (await store.GetRunAsync(runId, Itsm.Domain.Organisation.Actor.System, CancellationToken.None))!;
        var version = run.Version;
        Assert.That(run.Record(Itsm.Domain.Organisation.Actor.System, _app.Clock.GetUtcNow(),
            [new Itsm.Domain.Inspections.ItemRecord("POSTING", Itsm.Domain.Inspections.ItemResult.Fail, "Posting hangs")]), Is.Null);
        Assert.That(await store.UpdateRunAsync(run, version, [], null, CancellationToken.None), Is.True);
        Assert.That(Inspect.Item(await Inspect.RunAsync(_engineer, runId), "POSTING")["ticketId"], Is.Null);

        await Inspect.PassAsync(_app);
        await Inspect.PassAsync(_app);

        var findings = (await _manager.GetJsonAsync("/api/v1/tickets?category=InspectionFinding&limit=200"))["items"]!.AsArray();
        Assert.That(findings, Has.Count.EqualTo(1), "opened once, however many passes follow");
        Assert.That(Inspect.Item(await Inspect.RunAsync(_engineer, runId), "POSTING")["ticketId"]!.GetValue<long>(),
            Is.EqualTo(findings[0]!["id"]!.GetValue<long>()));
        var due = await _app.Services.GetRequiredService<Database>().ReadAsync((connection, token) =>
            connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT FindingsDue FROM InspectionRuns WHERE Id = @runId", new { runId }, cancellationToken: token)),
            CancellationToken.None);
        Assert.That(due, Is.Zero);
    }

    [Test]
    public async Task Results_ForAnUnknownItem_AreRefusedWhole()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan()))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(1, 15));
        await Inspect.PassAsync(_app);
        var runId = (await Inspect.RunsAsync(_manager, planId)).Single()!["id"]!.GetValue<long>();
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{runId}/start");

        var response = await Inspect.PostAsync(_engineer, $"/api/v1/inspection-runs/{runId}/results", new
        {
            items = new[] { new { code = "LOGIN", result = "Pass" }, new { code = "NOPE", result = "Fail" } },
        });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo("items[1].code"));
        Assert.That(Inspect.Item(await Inspect.RunAsync(_engineer, runId), "LOGIN")["result"], Is.Null, "nothing partial was saved");
    }

    [Test]
    public async Task Summary_CountsRunsPerSystem_WithRates()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan(window: 60)))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(2, 9));
        await Inspect.PassAsync(_app);
        var runs = await Inspect.RunsAsync(_manager, planId);
        var open = runs.Single(r => r!["scheduledAt"]!.GetValue<DateTimeOffset>() == Local(2, 9))!["id"]!.GetValue<long>();
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{open}/start");
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{open}/results",
            new { items = new[] { new { code = "LOGIN", result = "Pass" }, new { code = "POSTING", result = "NotApplicable" } } });
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{open}/complete");

        var summary = await _manager.GetJsonAsync($"/api/v1/inspection-runs/summary?unit=JS&from={Uri.EscapeDataString(Local(1, 0).ToString("O"))}&to={Uri.EscapeDataString(Local(3, 0).ToString("O"))}");

        var erp = summary["systems"]!.AsArray().Single(s => s!["system"]!.GetValue<string>() == "ERP")!;
        Assert.That(erp["scheduled"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(erp["completed"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(erp["passed"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(erp["missed"]!.GetValue<int>(), Is.EqualTo(1), "Tuesday 15:00 passed its window");
        Assert.That(erp["completionRate"]!.GetValue<double>(), Is.EqualTo(0.5));
        Assert.That(erp["passRate"]!.GetValue<double>(), Is.EqualTo(1.0));
    }

    [Test]
    public async Task RunsThatEnd_PublishInspectionEventsThroughTheOutbox_ToSubscribedWebhooks()
    {
        using var receiver = WireMock.Server.WireMockServer.Start();
        receiver.Given(WireMock.RequestBuilders.Request.Create().WithPath("/hook").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200));
        var subscribed = await _manager.Http.PostAsJsonAsync("/api/v1/webhooks",
            new { url = receiver.Url + "/hook", events = new[] { "inspection.failed", "inspection.missed", "inspection.completed" } });
        await TicketClient.ExpectAsync(subscribed, HttpStatusCode.Created);
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan(window: 60)))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(2, 9));
        await Inspect.PassAsync(_app);
        var runs = await Inspect.RunsAsync(_manager, planId);
        var failing = runs.Single(r => r!["scheduledAt"]!.GetValue<DateTimeOffset>() == Local(2, 9))!["id"]!.GetValue<long>();
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{failing}/start");
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{failing}/results",
            new { items = new[] { new { code = "LOGIN", result = "Fail", observation = "Login page 502" }, new { code = "POSTING", result = "NotApplicable", observation = "No vouchers today" } } });
        await Inspect.PostOkAsync(_engineer, $"/api/v1/inspection-runs/{failing}/complete");

        await _app.Services.GetRequiredService<Itsm.Infrastructure.Outbox.OutboxDispatcher>().RunPassAsync(CancellationToken.None);

        var events = receiver.LogEntries.Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).ToList();
        Assert.That(events.Select(e => e["type"]!.GetValue<string>()), Is.EquivalentTo(new[] { "inspection.missed", "inspection.failed" }),
            "Tuesday 15:00 was missed during the pass; Wednesday 09:00 failed");
        var failed = events.Single(e => e["type"]!.GetValue<string>() == "inspection.failed");
        Assert.That(failed["inspectionRun"]!["id"]!.GetValue<long>(), Is.EqualTo(failing));
        Assert.That(failed["inspectionRun"]!["failedItems"]!.AsArray().Select(i => i!.GetValue<string>()), Is.EqualTo(new[] { "LOGIN" }));
        Assert.That(failed["actor"]!.GetValue<string>(), Is.EqualTo("js-engineer"));
    }

    [Test]
    public async Task PlanEdited_AfterARunWasCreated_TheRunKeepsItsVersion_AndTheNextRunFollowsTheNewOne()
    {
        var planId = (await Inspect.CreatePlanAsync(_manager, Inspect.Plan()))["id"]!.GetValue<long>();
        _app.Clock.SetUtcNow(Local(1, 15));
        await Inspect.PassAsync(_app);
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/inspection-plans/{planId}")
        {
            Content = JsonContent.Create(Inspect.Plan(items: [Inspect.Manual("LOGIN", "Log in"), Inspect.Manual("REPORT", "Run the daily report")])),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await TicketClient.ExpectAsync(await _manager.Http.SendAsync(request), HttpStatusCode.OK);
        _app.Clock.SetUtcNow(Local(2, 9));
        await Inspect.PassAsync(_app);

        var runs = (await Inspect.RunsAsync(_manager, planId)).OrderBy(r => r!["scheduledAt"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.That(runs.Select(r => r!["planVersion"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(runs[0]!["items"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()), Is.EqualTo(new[] { "LOGIN", "POSTING" }));
        Assert.That(runs[1]!["items"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()), Is.EqualTo(new[] { "LOGIN", "REPORT" }));
        Assert.That(runs[1]!["allowedActions"]!.AsArray(), Is.Empty, "an IT manager reads runs but does not perform them");
        Assert.That((await Inspect.RunAsync(_engineer, runs[1]!["id"]!.GetValue<long>()))["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()),
            Is.EqualTo(new[] { "start" }));
    }
}
