using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Tickets;

/// <summary>
/// Changes in the regulation's order (Art. 9(3)(5), 13(4), 14): which categories need the approval, the five-part plan from
/// the business side and O&amp;M, O&amp;M's assessment, implementation after the approval with its test result, and the
/// approver never implementing. Every refusal leaves the ticket as it was (its ETag stays).
/// </summary>
[TestFixture]
public sealed class ChangeGovernanceTests
{
    private WireMockServer _hq = null!;
    private ItsmApp _app = null!;
    private Given _given = null!;
    private TicketClient _engineerWhoApproves = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        _hq = WireMockServer.Start();
        _hq.Given(Request.Create().WithPath("/hq/escalations").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"reference": "HQ-1"}"""));
        _given = new Given(_app = new ItsmApp(new Dictionary<string, string?>
        {
            ["Hq:BaseUrl"] = _hq.Url + "/hq", ["Hq:CallbackSecret"] = HqSystem.CallbackSecret, ["Hq:Retries"] = "0",
        }));

        // One person holding both roles: an engineer of the assigned group who is also a business approver.
        using var manager = _app.As(Keys.JsItManager);
        await TicketClient.ExpectAsync(await manager.Http.PostAsJsonAsync("/api/v1/admin/users", new
        {
            id = "js-engineer-approver", name = "JS engineer and approver", unit = "JS",
            roles = new[] { "Engineer", "BusinessApprover" }, groups = new[] { "JS-L2SYS" }, department = "JS-FIN",
        }), HttpStatusCode.Created);
        var issued = await manager.Http.PostAsJsonAsync("/api/v1/admin/users/js-engineer-approver/api-keys", new { name = "tests" });
        await TicketClient.ExpectAsync(issued, HttpStatusCode.Created);
        _engineerWhoApproves = _app.As((await issued.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>());
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        _engineerWhoApproves.Dispose();
        _given.Dispose();
        _app.Dispose();
        _hq.Stop();
    }

    private static readonly object Assessment = new { risk = "Medium", impact = "Postings of one cost centre" };

    private static object NewChange(string title, Category category = Category.DataChange, object? plan = null) => new
    {
        system = "ERP", category = category.ToString(), title, description = "Requested by the finance department.",
        impact = "Unit", urgency = "Medium", plan,
    };

    private async Task<JsonArray> HistoryAsync(long id) =>
        (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{id}/history"))["items"]!.AsArray();

    /// <summary>A refusal changes nothing: same status, same version (ETag), same change sequence.</summary>
    private async Task AssertUnchangedAsync(TicketResponse before)
    {
        var response = await _given.ItManager.GetAsync(before.Id);
        var after = (await response.Content.ReadFromJsonAsync<TicketResponse>(TicketClient.Json))!;
        Assert.That(response.Headers.ETag?.Tag, Is.EqualTo($"\"{before.Version}\""));
        Assert.That((after.Status, after.Version, after.ChangeSequence), Is.EqualTo((before.Status, before.Version, before.ChangeSequence)));
    }

    /// <summary>A change raised by the requester, worked by JS-L2SYS and approved by the department: ready to implement.</summary>
    private async Task<TicketResponse> ApprovedChangeAsync(string title = "Correct cost centres")
    {
        var ticket = await _given.TicketIn(TicketStatus.PendingApproval, Category.DataChange, title);
        return await _given.Approver.ActOkAsync(ticket.Id, "approve", new { comment = "Go ahead" });
    }

    // Item 3: the approval-required set.

    [Test]
    public async Task Workflow_ListsTheChanges_BackOfficeOperationAmongThem_MasterDataNot()
    {
        var workflow = await _given.Requester.GetJsonAsync("/api/v1/workflow");

        var changes = workflow["changes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.That(changes, Is.EquivalentTo(new[] { "BackOfficeOperation", "ConfigurationChange", "AccountPermission", "DataChange" }));
        var categories = workflow["categories"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["needsApproval"]!.GetValue<bool>());
        Assert.That(categories.Keys, Is.EquivalentTo(Enum.GetNames<Category>()));
        Assert.That((categories["BackOfficeOperation"], categories["MasterData"]), Is.EqualTo((true, false)));
    }

    [Test]
    public async Task Resolve_BackOfficeExportWithoutApproval_Is409AtFirstContactAndForTheEngineer()
    {
        var ticket = await _given.Requester.CreateAsync(TicketClient.NewTicket("Export all customer master data", Category.BackOfficeOperation));

        var atFirstContact = await _given.ServiceDesk.ActAsync(ticket.Id, "resolve", Given.ChangeResolved("Exported"), ticket.Version);

        var problem = await TicketClient.ExpectProblemAsync(atFirstContact, HttpStatusCode.Conflict);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:precondition-not-met"));
        await AssertUnchangedAsync(ticket);
        await _given.ServiceDesk.ActOkAsync(ticket.Id, "triage", new { group = "JS-L2SYS" });
        var started = await _given.Engineer.ActOkAsync(ticket.Id, "start");
        Assert.That(started.AllowedActions, Does.Not.Contain("resolve"));
        var byEngineer = await _given.Engineer.ActAsync(ticket.Id, "resolve", Given.ChangeResolved("Exported"), started.Version);
        Assert.That((await TicketClient.ExpectProblemAsync(byEngineer, HttpStatusCode.Conflict))["type"]!.GetValue<string>(),
            Is.EqualTo("urn:itsm:problem:precondition-not-met"));
        await AssertUnchangedAsync(started);
    }

    [Test]
    public async Task Resolve_MasterDataAtFirstContact_ResolvesWithoutApproval()
    {
        var ticket = await _given.Requester.CreateAsync(TicketClient.NewTicket("Correct the vendor's bank name", Category.MasterData));
        Assert.That((await _given.ServiceDesk.GetTicketAsync(ticket.Id)).AllowedActions, Does.Contain("resolve"));

        var resolved = await _given.ServiceDesk.ActOkAsync(ticket.Id, "resolve", new { code = "Fixed", resolution = "Bank name corrected" }, ticket.Version);

        Assert.That((resolved.Status, resolved.Approval), Is.EqualTo((TicketStatus.Resolved, (ApprovalView?)null)));
    }

    // Item 4: the plan.

    [Test]
    public async Task Request_AChangeWithTheRequestersPlan_KeepsItAsItsFirstVersion()
    {
        var created = await _given.Requester.CreateAsync(NewChange("Correct cost centres of December postings",
            plan: new { what = "Move 12 postings to cost centre 4711", backup = "Export the postings first" }));

        Assert.That(created.Plan, Is.Not.Null);
        Assert.That((created.Plan!.What, created.Plan.Backup, created.Plan.Transport, created.Plan.WrittenBy),
            Is.EqualTo(("Move 12 postings to cost centre 4711", "Export the postings first", (string?)null, "js-requester")));
        var history = await HistoryAsync(created.Id);
        Assert.That(history.Select(h => h!["action"]!.GetValue<string>()), Is.EqualTo(new[] { "request", "plan" }));
        Assert.That(history[1]!["actor"]!.GetValue<string>(), Is.EqualTo("js-requester"));
        Assert.That(history[1]!["details"]!["plan"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "what", "backup" }));
    }

    [Test]
    public async Task Request_APlanForAnythingButAChange_Is400NamingPlan()
    {
        var response = await _given.Requester.Http.PostAsJsonAsync("/api/v1/tickets", new
        {
            system = "ERP", category = "ApplicationProblem", title = "Posting fails", description = "Error 42.", impact = "Individual",
            urgency = "Low", plan = new { what = "Restart the posting job" },
        });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "plan" }));
    }

    [Test]
    public async Task Request_APlanWithoutWhat_Is400NamingPlanWhat()
    {
        var response = await _given.Requester.Http.PostAsJsonAsync("/api/v1/tickets",
            NewChange("Correct cost centres", plan: new { backup = "Export the postings first" }));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "plan.what" }));
    }

    [Test]
    public async Task Plan_ByTheApprover_IsKept_AndTheEngineerCompletesItAtRequestApproval()
    {
        var ticket = await _given.TicketIn(TicketStatus.Triaged, Category.DataChange, "Correct cost centres");

        var planned = await _given.Approver.ActOkAsync(ticket.Id, "plan",
            new { what = "Move 12 postings to cost centre 4711", backup = "Export the postings first" }, ticket.Version);
        Assert.That((planned.Status, planned.Version, planned.Plan!.WrittenBy), Is.EqualTo((TicketStatus.Triaged, ticket.Version + 1, "js-approver")));
        var started = await _given.Engineer.ActOkAsync(ticket.Id, "start");
        var pending = await _given.Engineer.ActOkAsync(ticket.Id, "request-approval", new
        {
            plan = new { transport = "Correction run in QA, then production", test = "Cost centre report shows 12 postings", rollback = "Re-import the export" },
            assessment = Assessment,
        }, started.Version);

        Assert.That(pending.Status, Is.EqualTo(TicketStatus.PendingApproval));
        Assert.That(pending.Plan, Is.EqualTo(pending.Plan! with
        {
            What = "Move 12 postings to cost centre 4711", Transport = "Correction run in QA, then production", Backup = "Export the postings first",
            Test = "Cost centre report shows 12 postings", Rollback = "Re-import the export", WrittenBy = "js-engineer",
        }));
        Assert.That((pending.Assessment!.Risk, pending.Assessment.Impact, pending.Assessment.AssessedBy),
            Is.EqualTo((ChangeRisk.Medium, "Postings of one cost centre", "js-engineer")));
        var writes = (await HistoryAsync(ticket.Id)).Where(h => h!["details"]!["plan"] is not null)
            .Select(h => (h!["action"]!.GetValue<string>(), h["actor"]!.GetValue<string>(),
                string.Join(",", h["details"]!["plan"]!.AsObject().Select(p => p.Key)))).ToList();
        Assert.That(writes, Is.EqualTo(new[] { ("plan", "js-approver", "what,backup"), ("request-approval", "js-engineer", "transport,test,rollback") }));
    }

    [Test]
    public async Task Plan_RevisedByTheEngineerAtRequestApproval_KeepsBothVersionsInTheHistory()
    {
        var created = await _given.Requester.CreateAsync(NewChange("Grant the AP clerk role", Category.AccountPermission,
            new { what = "Grant AP_CLERK", transport = "Role transport", backup = "Export roles", test = "Test invoice", rollback = "Remove the role" }));
        await _given.ServiceDesk.ActOkAsync(created.Id, "triage", new { group = "JS-L2SYS" });
        await _given.Engineer.ActOkAsync(created.Id, "start");

        var pending = await _given.Engineer.ActOkAsync(created.Id, "request-approval",
            new { plan = new { what = "Grant AP_CLERK for company code 1000 only" }, assessment = Assessment });

        Assert.That((pending.Plan!.What, pending.Plan.Rollback, pending.Plan.WrittenBy),
            Is.EqualTo(("Grant AP_CLERK for company code 1000 only", "Remove the role", "js-engineer")));
        var whats = (await HistoryAsync(created.Id)).Select(h => h!["details"]!["plan"]?["what"]?.GetValue<string>()).OfType<string>();
        Assert.That(whats, Is.EqualTo(new[] { "Grant AP_CLERK", "Grant AP_CLERK for company code 1000 only" }));
    }

    [Test]
    public async Task RequestApproval_WithAnIncompletePlan_Is400NamingTheMissingPart_AndChangesNothing()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress, Category.ConfigurationChange, "Change the tolerance limit");
        var planned = await _given.Approver.ActOkAsync(ticket.Id, "plan", new { what = "Raise the tolerance to 5 %" }, ticket.Version);

        var response = await _given.Engineer.ActAsync(ticket.Id, "request-approval",
            new { plan = new { backup = "Export the table", test = "Post with 4 % difference", rollback = "Set 2 % again" }, assessment = Assessment },
            planned.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "plan.transport" }));
        await AssertUnchangedAsync(planned);
        Assert.That((await _given.ItManager.GetTicketAsync(ticket.Id)).Plan!.Backup, Is.Null);
    }

    [Test]
    public async Task RequestApproval_WithoutTheAssessment_Is400NamingIt()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress, Category.DataChange, "Correct cost centres");

        var response = await _given.Engineer.ActAsync(ticket.Id, "request-approval",
            new { plan = new { what = "a", transport = "b", backup = "c", test = "d", rollback = "e" } }, ticket.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!["assessment"], Is.Not.Null);
        await AssertUnchangedAsync(ticket);
    }

    [Test]
    public async Task Plan_ForAnythingButAChange_Is409_AndAPartTooLongIs400()
    {
        var problemTicket = await _given.TicketIn(TicketStatus.Triaged);
        var change = await _given.TicketIn(TicketStatus.Triaged, Category.DataChange, "Correct cost centres");

        var notAChange = await _given.Approver.ActAsync(problemTicket.Id, "plan", new { what = "Restart the job" }, problemTicket.Version);
        var tooLong = await _given.Approver.ActAsync(change.Id, "plan", new { what = "Move", rollback = new string('r', 4001) }, change.Version);

        Assert.That((await TicketClient.ExpectProblemAsync(notAChange, HttpStatusCode.Conflict))["type"]!.GetValue<string>(),
            Is.EqualTo("urn:itsm:problem:precondition-not-met"));
        Assert.That((await TicketClient.ExpectProblemAsync(tooLong, HttpStatusCode.BadRequest))["errors"]!["rollback"], Is.Not.Null);
        await AssertUnchangedAsync(problemTicket);
        await AssertUnchangedAsync(change);
    }

    // Item 5: approval before implementation; approver ≠ implementer.

    [Test]
    public async Task Resolve_ByTheEngineerWhoApprovedTheChange_Is403AndNeverOffered()
    {
        var ticket = await _given.TicketIn(TicketStatus.PendingApproval, Category.AccountPermission, "Grant the AP clerk role");
        var approved = await _engineerWhoApproves.ActOkAsync(ticket.Id, "approve", new { comment = "Approved" }, ticket.Version);
        Assert.That(approved.Approval!.ApprovedBy, Is.EqualTo("js-engineer-approver"));

        var seen = await _engineerWhoApproves.GetTicketAsync(ticket.Id);
        var response = await _engineerWhoApproves.ActAsync(ticket.Id, "resolve", Given.ChangeResolved(), approved.Version);

        Assert.That(seen.AllowedActions, Does.Not.Contain("resolve"));
        Assert.That(seen.AllowedActions, Does.Contain("hold"), "still an engineer of the group");
        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("did not approve"));
        await AssertUnchangedAsync(approved);
        Assert.That((await _given.Engineer.GetTicketAsync(ticket.Id)).AllowedActions, Does.Contain("resolve"));
        var resolved = await _given.Engineer.ActOkAsync(ticket.Id, "resolve", Given.ChangeResolved(), approved.Version);
        Assert.That(resolved.Status, Is.EqualTo(TicketStatus.Resolved));
    }

    [Test]
    public async Task Plan_AfterTheApproval_Is409AndTheApprovedPlanStands()
    {
        var pending = await _given.TicketIn(TicketStatus.PendingApproval, Category.DataChange, "Correct cost centres");
        var approved = await _given.Approver.ActOkAsync(pending.Id, "approve", new { comment = "Approved" }, pending.Version);
        Assert.That(approved.AllowedActions, Does.Not.Contain("plan"));

        var response = await _given.Approver.ActAsync(approved.Id, "plan",
            new { what = "Open all periods for all companies", rollback = "none" }, approved.Version);

        Assert.That((await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Conflict))["detail"]!.GetValue<string>(),
            Does.Contain("not been approved yet"));
        await AssertUnchangedAsync(approved);
        Assert.That((await _given.ItManager.GetTicketAsync(approved.Id)).Plan!.What, Is.EqualTo(approved.Plan!.What));
    }

    [Test]
    public async Task Resolve_AfterReopen_Is409UntilApprovedAgain()
    {
        var resolved = await _given.TicketIn(TicketStatus.Resolved, Category.DataChange, "Correct cost centres");
        var reopened = await _given.Requester.ActOkAsync(resolved.Id, "reopen", new { reason = "Two postings are still wrong" }, resolved.Version);
        Assert.That((reopened.Approval, reopened.Resolution), Is.EqualTo(((ApprovalView?)null, (ResolutionView?)null)));

        var refused = await _given.Engineer.ActAsync(resolved.Id, "resolve", Given.ChangeResolved("Corrected the rest"), reopened.Version);

        Assert.That((await TicketClient.ExpectProblemAsync(refused, HttpStatusCode.Conflict))["type"]!.GetValue<string>(),
            Is.EqualTo("urn:itsm:problem:precondition-not-met"));
        await AssertUnchangedAsync(reopened);
        // The plan is still complete: asking again needs only the assessment.
        var pending = await _given.Engineer.ActOkAsync(resolved.Id, "request-approval", new { assessment = Assessment }, reopened.Version);
        await _given.Approver.ActOkAsync(resolved.Id, "approve", new { comment = "Again" }, pending.Version);
        var again = await _given.Engineer.ActOkAsync(resolved.Id, "resolve", Given.ChangeResolved("Corrected the rest"));
        Assert.That(again.Status, Is.EqualTo(TicketStatus.Resolved));
    }

    [Test]
    public async Task Resolve_ImplementedBeforeTheApproval_Is409ImplementedBeforeApproval()
    {
        var approved = await ApprovedChangeAsync();
        var approvedAt = approved.Approval!.ApprovedAt!.Value;
        _app.Clock.Advance(TimeSpan.FromHours(2));

        var response = await _given.Engineer.ActAsync(approved.Id, "resolve",
            new { code = "ChangeImplemented", resolution = "Corrected", testResult = "Report checked", implementedAt = approvedAt.AddMinutes(-5) }, approved.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Conflict);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:implemented-before-approval"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("before the approval"));
        await AssertUnchangedAsync(approved);
        var implementedAt = approvedAt.AddHours(1);
        var resolved = await _given.Engineer.ActOkAsync(approved.Id, "resolve",
            new { code = "ChangeImplemented", resolution = "Corrected", testResult = "Report checked", implementedAt }, approved.Version);
        Assert.That((resolved.Resolution!.ImplementedAt, resolved.Resolution.TestResult), Is.EqualTo(((DateTimeOffset?)implementedAt, "Report checked")));
    }

    [Test]
    public async Task Resolve_ImplementedInTheFuture_Is409WithTheReason()
    {
        var approved = await ApprovedChangeAsync();

        var response = await _given.Engineer.ActAsync(approved.Id, "resolve",
            new { code = "ChangeImplemented", resolution = "Corrected", testResult = "Report checked", implementedAt = _app.Clock.GetUtcNow().AddMinutes(10) },
            approved.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Conflict);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:implemented-before-approval"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("in the future"));
        await AssertUnchangedAsync(approved);
    }

    [Test]
    public async Task Resolve_AChangeWithoutItsTestResult_Is400NamingTestResult_AndImplementedAtDefaultsToNow()
    {
        var approved = await ApprovedChangeAsync();

        var response = await _given.Engineer.ActAsync(approved.Id, "resolve", new { code = "ChangeImplemented", resolution = "Corrected" }, approved.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "testResult" }));
        await AssertUnchangedAsync(approved);
        var resolved = await _given.Engineer.ActOkAsync(approved.Id, "resolve", Given.ChangeResolved("Corrected"), approved.Version);
        Assert.That(resolved.Resolution!.ImplementedAt, Is.EqualTo(_app.Clock.GetUtcNow()));
    }

    [Test]
    public async Task Resolve_AnythingButAChangeWithATestResultOrImplementationTime_Is400()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);

        var withTest = await _given.Engineer.ActAsync(ticket.Id, "resolve",
            new { code = "Fixed", resolution = "Cleared the lock", testResult = "Posted again" }, ticket.Version);
        var withTime = await _given.Engineer.ActAsync(ticket.Id, "resolve",
            new { code = "Fixed", resolution = "Cleared the lock", implementedAt = _app.Clock.GetUtcNow() }, ticket.Version);

        Assert.That((await TicketClient.ExpectProblemAsync(withTest, HttpStatusCode.BadRequest))["errors"]!["testResult"], Is.Not.Null);
        Assert.That((await TicketClient.ExpectProblemAsync(withTime, HttpStatusCode.BadRequest))["errors"]!["implementedAt"], Is.Not.Null);
        await AssertUnchangedAsync(ticket);
    }

    // Item 5 at headquarters: an escalated change.

    private async Task<(TicketResponse Ticket, string EscalationId)> EscalatedApprovedChangeAsync()
    {
        var approved = await ApprovedChangeAsync("Correct cost centres centrally");
        var escalated = await _given.Engineer.ActOkAsync(approved.Id, "escalate",
            new { reason = "The correction run fails centrally", whatWasTried = "Ran it twice" }, approved.Version);
        await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);
        var escalation = await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{approved.Id}/escalation");
        return (escalated, escalation["eventId"]!.GetValue<string>());
    }

    [Test]
    public async Task HqResolved_AChangeWithoutTestResult_Is409_AndHqReturnsItInstead()
    {
        var (ticket, escalation) = await EscalatedApprovedChangeAsync();

        var response = await HqSystem.SendsAsync(_app, new { type = "resolved", escalationId = escalation, resolution = new { code = "ChangeImplemented", text = "Done centrally" } });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Conflict);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:test-result-required"));
        await AssertUnchangedAsync(ticket);
        var returned = await HqSystem.SendsAsync(_app, new { type = "returned", escalationId = escalation, guidance = "Run the correction with variant B" });
        await TicketClient.ExpectAsync(returned, HttpStatusCode.OK);
        Assert.That((await _given.ItManager.GetTicketAsync(ticket.Id)).Status, Is.EqualTo(TicketStatus.InProgress));
    }

    [Test]
    public async Task HqResolved_AChangeWithItsTestResult_ResolvesAndRecordsIt()
    {
        var (ticket, escalation) = await EscalatedApprovedChangeAsync();

        var response = await HqSystem.SendsAsync(_app, new
        {
            type = "resolved", escalationId = escalation,
            resolution = new { code = "ChangeImplemented", text = "Corrected centrally", testResult = "Cost centre report checked: 12 postings" },
        });

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        var resolved = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That((resolved.Status, resolved.Resolution!.TestResult, resolved.Resolution.ImplementedAt),
            Is.EqualTo((TicketStatus.Resolved, "Cost centre report checked: 12 postings", (DateTimeOffset?)_app.Clock.GetUtcNow())));
    }

    [Test]
    public async Task HqResolved_AnythingButAChangeWithATestResult_Is400NamingIt()
    {
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq);
        await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);
        var escalation = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/escalation"))["eventId"]!.GetValue<string>();

        var response = await HqSystem.SendsAsync(_app, new
        {
            type = "resolved", escalationId = escalation, resolution = new { code = "Fixed", text = "Patched centrally", testResult = "Posted again" },
        });

        Assert.That((await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest))["errors"]!["resolution.testResult"], Is.Not.Null);
        await AssertUnchangedAsync(ticket);
    }

    [Test]
    public async Task HqEngineerResolve_AnEscalatedChange_NeedsItsTestResult()
    {
        var (ticket, _) = await EscalatedApprovedChangeAsync();

        var refused = await _given.HqEngineer.ActAsync(ticket.Id, "resolve", new { code = "ChangeImplemented", resolution = "Done centrally" }, ticket.Version);

        Assert.That((await TicketClient.ExpectProblemAsync(refused, HttpStatusCode.BadRequest))["errors"]!["testResult"], Is.Not.Null);
        await AssertUnchangedAsync(ticket);
        var resolved = await _given.HqEngineer.ActOkAsync(ticket.Id, "resolve", Given.ChangeResolved("Done centrally"), ticket.Version);
        Assert.That(resolved.Resolution!.TestResult, Is.Not.Null);
    }
}
