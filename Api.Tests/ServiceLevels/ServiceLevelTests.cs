using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sla;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.ServiceLevels;

/// <summary>
/// Clocks, warnings, breaches, notifications, auto-escalation and auto-close through the API, driven by a fake clock.
/// Each test gets its own service (the clock moves), starting Tuesday 2026-12-01 09:00 in Shanghai.
/// </summary>
[TestFixture]
public sealed class ServiceLevelTests : ApiPerTestFixture
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static DateTimeOffset Shanghai(int day, int hour, int minute) => new(2026, 12, day, hour, minute, 0, China);

    private void SetClock(DateTimeOffset to) => _app.Clock.SetUtcNow(to);

    private Task<SchedulerPass> PassAsync() => _app.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None);

    private async Task<JsonArray> HistoryAsync(long id) => (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{id}/history"))["items"]!.AsArray();

    private static int Count(JsonArray history, string action) => history.Count(h => h!["action"]!.GetValue<string>() == action);

    [Test]
    public async Task NewTicket_GetsDueTimesFromItsPriorityAndCalendar()
    {
        var ticket = await _given.Requester.CreateAsync();

        Assert.That(ticket.Priority, Is.EqualTo(Priority.P3));
        Assert.That(ticket.ResponseDue, Is.EqualTo(Shanghai(1, 14, 30)), "4 business hours: 09:00–12:00, then 13:30–14:30");
        Assert.That(ticket.ResolutionDue, Is.EqualTo(Shanghai(4, 9, 0)), "3 business days of 450 minutes");
        var sla = await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/sla");
        Assert.That(sla["policyVersion"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(sla["clocks"]!.AsArray().Select(c => (c!["kind"]!.GetValue<string>(), c["state"]!.GetValue<string>(), c["targetMinutes"]!.GetValue<int>())),
            Is.EqualTo(new[] { ("Response", "Running", 240), ("Resolution", "Running", 1350) }));
    }

    [Test]
    public async Task WarningAndBreach_AreRecordedOnceAndNotifiedUpTheHierarchy()
    {
        var ticket = await _given.Requester.CreateAsync();
        SetClock(Shanghai(1, 12, 1));

        await PassAsync();
        await PassAsync();

        var history = await HistoryAsync(ticket.Id);
        Assert.That(Count(history, "sla.warning"), Is.EqualTo(1));
        Assert.That(history.Last()!["details"]!["clock"]!.GetValue<string>(), Is.EqualTo("Response"));
        Assert.That((await _given.ItManager.GetTicketAsync(ticket.Id)).SlaState, Is.EqualTo(SlaState.Warning));
        var deskNotes = (await _given.ServiceDesk.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray();
        Assert.That(deskNotes.Select(n => (n!["ticketId"]!.GetValue<long>(), n["type"]!.GetValue<string>())), Does.Contain((ticket.Id, "sla.warning")));
        using var zjDesk = _app.As(Keys.ZjServiceDesk);
        Assert.That((await zjDesk.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray(), Is.Empty);

        SetClock(Shanghai(1, 14, 31));
        await PassAsync();
        await PassAsync();

        history = await HistoryAsync(ticket.Id);
        Assert.That((Count(history, "sla.warning"), Count(history, "sla.breached")), Is.EqualTo((1, 1)));
        var breached = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That(breached.SlaState, Is.EqualTo(SlaState.Breached));
        Assert.That(breached.Version, Is.EqualTo(1), "service-level bookkeeping does not change the ticket's ETag");
        var list = await _given.ItManager.GetJsonAsync("/api/v1/tickets?slaState=Breached");
        Assert.That(list["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()), Does.Contain(ticket.Id));
        using var hqManager = _app.As(Keys.HqItManager);
        foreach (var manager in new[] { _given.ItManager, hqManager })
        {
            var notes = (await manager.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray();
            Assert.That(notes.Any(n => n!["ticketId"]!.GetValue<long>() == ticket.Id && n["type"]!.GetValue<string>() == "sla.breached"), Is.True);
        }
        using var zjManager = _app.As(Keys.ZjItManager);
        Assert.That((await zjManager.GetJsonAsync("/api/v1/notifications"))["items"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task OnHold_PausesTheResolutionClockWithTheReason()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        SetClock(Shanghai(1, 10, 0));
        await _given.Engineer.ActOkAsync(ticket.Id, "hold", new { reason = "Waiting for the user" });
        SetClock(Shanghai(3, 10, 0));
        var resumed = await _given.Engineer.ActOkAsync(ticket.Id, "resume");

        var resolution = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/sla"))["clocks"]!.AsArray()
            .Single(c => c!["kind"]!.GetValue<string>() == "Resolution")!;

        Assert.That(resolution["elapsedBusinessMinutes"]!.GetValue<int>(), Is.EqualTo(60), "09:00–10:00 before the hold; nothing while on hold");
        Assert.That(resolution["remainingBusinessMinutes"]!.GetValue<int>(), Is.EqualTo(1350 - 60));
        Assert.That(resolution["segments"]!.AsArray().Select(s => (s!["running"]!.GetValue<bool>(), s["reason"]?.GetValue<string>())),
            Is.EqualTo(new[] { (true, (string?)null), (false, "OnHold"), (true, null) }));
        Assert.That(resumed.ResolutionDue, Is.EqualTo(Shanghai(8, 9, 0)), "1290 minutes left from Thursday 10:00: Thu 360, Fri 450, Mon 450, Tue 30");
    }

    [Test]
    public async Task Reopen_ContinuesTheResolutionClock()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        SetClock(Shanghai(1, 11, 0));
        await _given.Engineer.ActOkAsync(ticket.Id, "resolve", new { code = "Fixed", resolution = "Done" });
        var resolvedClock = await ResolutionClockAsync(ticket.Id);
        Assert.That((resolvedClock["state"]!.GetValue<string>(), resolvedClock["elapsedBusinessMinutes"]!.GetValue<int>()), Is.EqualTo(("Met", 120)));

        SetClock(Shanghai(2, 9, 0));
        await _given.Requester.ActOkAsync(ticket.Id, "reopen", new { reason = "Fails again" });
        SetClock(Shanghai(2, 9, 30));

        var reopened = await ResolutionClockAsync(ticket.Id);
        Assert.That((reopened["state"]!.GetValue<string>(), reopened["elapsedBusinessMinutes"]!.GetValue<int>()), Is.EqualTo(("Running", 150)));
    }

    [Test]
    public async Task Escalation_StartsAnHqClockThatStopsOnReturn()
    {
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq);
        SetClock(Shanghai(1, 10, 0));
        await _given.HqEngineer.ActOkAsync(ticket.Id, "hq-return", new { guidance = "Apply the patch" });

        var clocks = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/sla"))["clocks"]!.AsArray();

        var hq = clocks.Single(c => c!["kind"]!.GetValue<string>() == "HqResolution")!;
        Assert.That((hq["state"]!.GetValue<string>(), hq["elapsedBusinessMinutes"]!.GetValue<int>()), Is.EqualTo(("Met", 60)));
        Assert.That(clocks.Single(c => c!["kind"]!.GetValue<string>() == "Resolution")!["state"]!.GetValue<string>(), Is.EqualTo("Running"));
    }

    [Test]
    public async Task P1ResolutionBreach_EscalatesToHqAutomatically()
    {
        var ticket = await _given.Requester.CreateAsync(TicketClient.NewTicket("ERP down for the whole company", impact: Impact.Enterprise, urgency: Urgency.High));
        await _given.ServiceDesk.ActOkAsync(ticket.Id, "triage", new { group = "JS-L2SYS" });
        await _given.Engineer.ActOkAsync(ticket.Id, "start");
        Assert.That(ticket.Priority, Is.EqualTo(Priority.P1));

        SetClock(Shanghai(1, 9, 0).AddMinutes(241));
        var pass = await PassAsync();

        var escalated = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That(pass.Escalated, Is.EqualTo(1));
        Assert.That((escalated.Status, escalated.Version), Is.EqualTo((TicketStatus.EscalatedToHq, 4)));
        var history = await HistoryAsync(ticket.Id);
        var escalation = history.Single(h => h!["action"]!.GetValue<string>() == "escalate")!;
        Assert.That(escalation["actor"]!.GetValue<string>(), Is.EqualTo("system"));
        Assert.That(Count(history, "sla.breached"), Is.EqualTo(1));
        var kinds = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/sla"))["clocks"]!.AsArray().Select(c => c!["kind"]!.GetValue<string>());
        Assert.That(kinds, Does.Contain("HqResolution"));
    }

    [Test]
    public async Task ResolvedTicket_ClosesItselfAfterFiveWorkingDays()
    {
        var ticket = await _given.TicketIn(TicketStatus.Resolved);
        Assert.That(ticket.Resolution!.ConfirmationDue, Is.EqualTo(Shanghai(8, 9, 0)), "Tuesday + 5 working days = next Tuesday");

        SetClock(Shanghai(8, 8, 59));
        Assert.That((await PassAsync()).AutoClosed, Is.EqualTo(0));
        SetClock(Shanghai(8, 9, 1));
        Assert.That((await PassAsync()).AutoClosed, Is.EqualTo(1));

        var closed = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That((closed.Status, closed.Outcome), Is.EqualTo((TicketStatus.Closed, (ClosureOutcome?)ClosureOutcome.AutoClosed)));
        var last = (await HistoryAsync(ticket.Id)).Last()!;
        Assert.That((last["action"]!.GetValue<string>(), last["actor"]!.GetValue<string>()), Is.EqualTo(("auto-close", "system")));
    }

    [Test]
    public async Task Pass_AfterDowntime_CatchesUpOnEveryDueClockInBatches()
    {
        var ids = new List<long>();
        for (var i = 0; i < SlaScheduler.BatchSize + 10; i++) ids.Add((await _given.Requester.CreateAsync()).Id);
        SetClock(Shanghai(10, 9, 0));

        var pass = await PassAsync();

        Assert.That(pass.TicketsTicked, Is.GreaterThanOrEqualTo(ids.Count));
        foreach (var id in new[] { ids[0], ids[^1] })
        {
            var history = await HistoryAsync(id);
            Assert.That((Count(history, "sla.warning"), Count(history, "sla.breached")), Is.EqualTo((2, 2)), "response and resolution clocks");
        }
        Assert.That((await PassAsync()).TicketsTicked, Is.EqualTo(0), "nothing is due twice");
    }

    [Test]
    public async Task SecondInstance_DoesNotRunWhileTheLeaseIsHeld()
    {
        await PassAsync();
        var other = ActivatorUtilities.CreateInstance<SlaScheduler>(_app.Services);

        Assert.That((await other.RunPassAsync(CancellationToken.None)).Leased, Is.False);
        _app.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.That((await other.RunPassAsync(CancellationToken.None)).Leased, Is.True, "an expired lease is taken over");
    }

    [Test]
    public async Task BackgroundScheduler_RunsOnItsTimer()
    {
        using var app = new ItsmApp(new Dictionary<string, string?> { ["Sla:SchedulerEnabled"] = "true", ["Sla:SchedulerInterval"] = "00:01:00" });
        using var requester = app.As(Keys.JsRequester);
        using var manager = app.As(Keys.JsItManager);
        var ticket = await requester.CreateAsync();

        app.Clock.SetUtcNow(Shanghai(1, 12, 1));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var warned = false;
        while (!warned && DateTime.UtcNow < deadline)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(50);
            warned = (await manager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history"))["items"]!.AsArray().Any(h => h!["action"]!.GetValue<string>() == "sla.warning");
        }

        Assert.That(warned, Is.True);
    }

    [Test]
    public async Task PolicyVersions_TicketsKeepTheVersionTheyStartedUnder()
    {
        var before = await _given.Requester.CreateAsync();
        using var hq = _app.As(Keys.HqItManager);
        var policy = (await hq.GetJsonAsync("/api/v1/sla/policies")).AsObject();
        Assert.That(policy["version"]!.GetValue<int>(), Is.EqualTo(1));
        policy["rules"]!.AsArray().Single(r => r!["priority"]!.GetValue<string>() == "P3")!["resolutionMinutes"] = 900;
        policy.Remove("version");

        var put = await hq.Http.PutAsJsonAsync("/api/v1/sla/policies", policy);
        await TicketClient.ExpectAsync(put, HttpStatusCode.OK);
        var after = await _given.Requester.CreateAsync();

        Assert.That((await put.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That((await ResolutionClockAsync(before.Id))["targetMinutes"]!.GetValue<int>(), Is.EqualTo(1350));
        Assert.That((await ResolutionClockAsync(after.Id))["targetMinutes"]!.GetValue<int>(), Is.EqualTo(900));
        Assert.That((await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{after.Id}/sla"))["policyVersion"]!.GetValue<int>(), Is.EqualTo(2));
    }

    [TestCase("resolutionMinutes", -5, "rules[2].resolutionMinutes")]
    [TestCase("resolutionMinutes", 99_999_999, "rules[2].resolutionMinutes")]
    [TestCase("calendar", "NO-SUCH", "rules[2].calendar")]
    public async Task Policy_WithBadValues_Is400NamingTheFieldAndChangesNothing(string property, object value, string field)
    {
        using var hq = _app.As(Keys.HqItManager);
        var policy = (await hq.GetJsonAsync("/api/v1/sla/policies")).AsObject();
        policy["rules"]!.AsArray()[2]![property] = JsonValue.Create(value);

        var problem = await TicketClient.ExpectProblemAsync(await hq.Http.PutAsJsonAsync("/api/v1/sla/policies", policy), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]![field], Is.Not.Null, problem.ToJsonString());
        Assert.That((await hq.GetJsonAsync("/api/v1/sla/policies"))["version"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public async Task Policy_ChangedByAProvincialManager_Is403()
    {
        var policy = (await _given.ItManager.GetJsonAsync("/api/v1/sla/policies")).AsObject();

        await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.PutAsJsonAsync("/api/v1/sla/policies", policy), HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task PriorityMatrix_IsDataThatNewTicketsFollow()
    {
        using var hq = _app.As(Keys.HqItManager);
        var matrix = (await hq.GetJsonAsync("/api/v1/priority-matrix")).AsObject();
        Assert.That(matrix["cells"]!.AsArray(), Has.Count.EqualTo(9));
        matrix["cells"]!.AsArray().Single(c => c!["impact"]!.GetValue<string>() == "Individual" && c["urgency"]!.GetValue<string>() == "Medium")!["priority"] = "P2";

        await TicketClient.ExpectAsync(await hq.Http.PutAsJsonAsync("/api/v1/priority-matrix", matrix), HttpStatusCode.OK);

        Assert.That((await _given.Requester.CreateAsync()).Priority, Is.EqualTo(Priority.P2));
        var incomplete = new { cells = new[] { new { impact = "Unit", urgency = "High", priority = "P1" } } };
        await TicketClient.ExpectProblemAsync(await hq.Http.PutAsJsonAsync("/api/v1/priority-matrix", incomplete), HttpStatusCode.BadRequest);
    }

    private async Task<JsonNode> ResolutionClockAsync(long id) =>
        (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{id}/sla"))["clocks"]!.AsArray().Single(c => c!["kind"]!.GetValue<string>() == "Resolution")!;
}
