using System.Net;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Tickets;

/// <summary>
/// A resolved change is closed by its business department's evaluation (effective or not), never by its requester; other
/// tickets keep the requester's confirmation. Every refusal leaves the ticket (its ETag) as it was.
/// </summary>
[TestFixture]
public sealed class EvaluationTests
{
    private ItsmApp _app = null!;
    private Province _js = null!;

    [OneTimeSetUp]
    public void StartApp() => _js = new Province(_app = new ItsmApp(), "JS");

    [OneTimeTearDown]
    public void StopApp()
    {
        _js.Dispose();
        _app.Dispose();
    }

    private Task<TicketResponse> ResolvedChange() => _js.TicketIn(TicketStatus.Resolved, Category.DataChange);

    private async Task<JsonNode> ExpectRefusedAsync(HttpResponseMessage response, HttpStatusCode status, TicketResponse before)
    {
        var problem = await TicketClient.ExpectProblemAsync(response, status);
        var after = await _js.ItManager.GetTicketAsync(before.Id);
        Assert.That((after.Status, after.Version), Is.EqualTo((before.Status, before.Version)), "a refusal changes nothing");
        return problem;
    }

    [Test]
    public async Task Confirm_ChangeByItsRequester_Is403()
    {
        var change = await ResolvedChange();

        var response = await _js.Requester.ActAsync(change.Id, "confirm", new { effective = true, satisfaction = 5 }, change.Version);

        var problem = await ExpectRefusedAsync(response, HttpStatusCode.Forbidden, change);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("not a change"));
        Assert.That((await _js.Requester.GetTicketAsync(change.Id)).AllowedActions, Does.Not.Contain("confirm"));
    }

    [Test]
    public async Task Confirm_ChangeByItsRequesterWithoutEffective_Is403NotAskedForTheField()
    {
        var change = await ResolvedChange();

        var response = await _js.Requester.ActAsync(change.Id, "confirm", new { satisfaction = 5 }, change.Version);

        await ExpectRefusedAsync(response, HttpStatusCode.Forbidden, change);
    }

    [TestCase("confirm")]
    [TestCase("reopen")]
    public async Task EvaluateOrReopen_ChangeByAnotherDepartmentsApprover_Is403NotOwningDepartment(string action)
    {
        var change = await ResolvedChange();
        using var hr = _app.As(Keys.JsHrApprover);

        var response = await hr.ActAsync(change.Id, action, action == "confirm"
            ? new { effective = true, comment = "Looks fine" } : (object)new { reason = "Not what we asked" }, change.Version);

        var problem = await ExpectRefusedAsync(response, HttpStatusCode.Forbidden, change);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:not-owning-department"));
    }

    [Test]
    public async Task Confirm_ChangeEvaluatedEffectiveByTheApprover_ClosesItAndRecordsTheEvaluation()
    {
        var change = await ResolvedChange();
        Assert.That((await _js.Approver.GetTicketAsync(change.Id)).AllowedActions, Does.Contain("confirm").And.Contain("reopen"));

        var closed = await _js.Approver.ActOkAsync(change.Id, "confirm", new { effective = true, comment = "Figures reconcile" }, change.Version);

        Assert.That((closed.Status, closed.Outcome, closed.Satisfaction), Is.EqualTo((TicketStatus.Closed, (ClosureOutcome?)ClosureOutcome.Resolved, (int?)null)));
        Assert.That(closed.Evaluation, Is.EqualTo(new EvaluationView(true, "js-approver", _app.Clock.GetUtcNow(), null)));
        var entry = (await _js.ItManager.GetJsonAsync($"/api/v1/tickets/{change.Id}/history"))["items"]!.AsArray().Last()!;
        Assert.That((entry["action"]!.GetValue<string>(), entry["details"]!["effective"]!.GetValue<bool>()), Is.EqualTo(("confirm", true)));
    }

    [Test]
    public async Task Confirm_ChangeEvaluatedNotEffective_GoesBackToWorkAndMustBeApprovedAgain()
    {
        var change = await ResolvedChange();

        var back = await _js.Approver.ActOkAsync(change.Id, "confirm", new { effective = false, comment = "Totals still wrong" }, change.Version);

        Assert.That((back.Status, back.Outcome, back.Approval, back.Resolution), Is.EqualTo((TicketStatus.InProgress, (ClosureOutcome?)null, (ApprovalView?)null, (ResolutionView?)null)));
        Assert.That(back.Evaluation!.Effective, Is.False);
        var entry = (await _js.ItManager.GetJsonAsync($"/api/v1/tickets/{change.Id}/history"))["items"]!.AsArray().Last()!;
        Assert.That(entry["details"]!["comment"]!.GetValue<string>(), Is.EqualTo("Totals still wrong"));
        Assert.That(entry["details"]!["approvalCleared"]!.GetValue<bool>(), Is.True);

        var refused = await _js.Engineer.ActAsync(change.Id, "resolve", Province.ResolveBody(Category.DataChange), back.Version);
        await ExpectRefusedAsync(refused, HttpStatusCode.Conflict, back);

        var pending = await _js.Engineer.ActOkAsync(change.Id, "request-approval", Given.Plan, back.Version);
        var approved = await _js.Approver.ActOkAsync(change.Id, "approve", new { comment = "Try again" }, pending.Version);
        var resolved = await _js.Engineer.ActOkAsync(change.Id, "resolve", Province.ResolveBody(Category.DataChange), approved.Version);
        Assert.That(resolved.Status, Is.EqualTo(TicketStatus.Resolved));
    }

    [Test]
    public async Task Confirm_ChangeNotEffectiveWithoutAComment_Is400NamingComment()
    {
        var change = await ResolvedChange();

        var response = await _js.Approver.ActAsync(change.Id, "confirm", new { effective = false }, change.Version);

        var problem = await ExpectRefusedAsync(response, HttpStatusCode.BadRequest, change);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "comment" }));
    }

    [Test]
    public async Task Confirm_ChangeWithoutEffective_Is400NamingEffective()
    {
        var change = await ResolvedChange();

        var response = await _js.Approver.ActAsync(change.Id, "confirm", new { satisfaction = 4 }, change.Version);

        var problem = await ExpectRefusedAsync(response, HttpStatusCode.BadRequest, change);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:validation"));
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "effective" }));
    }

    [Test]
    public async Task Confirm_EffectiveOnATicketThatIsNotAChange_Is400NamingEffective()
    {
        var ticket = await _js.TicketIn(TicketStatus.Resolved);

        var response = await _js.Requester.ActAsync(ticket.Id, "confirm", new { effective = true, satisfaction = 5 }, ticket.Version);

        var problem = await ExpectRefusedAsync(response, HttpStatusCode.BadRequest, ticket);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "effective" }));
    }

    [Test]
    public async Task Confirm_TicketThatIsNotAChangeWithoutSatisfaction_Is400NamingSatisfaction()
    {
        var ticket = await _js.TicketIn(TicketStatus.Resolved);

        var response = await _js.Requester.ActAsync(ticket.Id, "confirm", new { comment = "Thanks" }, ticket.Version);

        var problem = await ExpectRefusedAsync(response, HttpStatusCode.BadRequest, ticket);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "satisfaction" }));
    }

    [Test]
    public async Task Confirm_TicketThatIsNotAChangeByItsRequester_StillClosesIt()
    {
        var ticket = await _js.TicketIn(TicketStatus.Resolved);

        var closed = await _js.Requester.ActOkAsync(ticket.Id, "confirm", new { satisfaction = 5 }, ticket.Version);

        Assert.That((closed.Status, closed.Satisfaction, closed.Evaluation), Is.EqualTo((TicketStatus.Closed, (int?)5, (EvaluationView?)null)));
    }

    [Test]
    public async Task Reopen_ChangeByItsDepartmentsApprover_SendsItBackWithoutItsApproval()
    {
        var change = await ResolvedChange();

        var reopened = await _js.Approver.ActOkAsync(change.Id, "reopen", new { reason = "Wrong cost centre" }, change.Version);

        Assert.That((reopened.Status, reopened.Approval), Is.EqualTo((TicketStatus.InProgress, (ApprovalView?)null)));
    }

    [Test]
    public async Task Workflow_ShowsTheEvaluationRowsAndChangesNeverAutoClose()
    {
        var rows = (await _js.Requester.GetJsonAsync("/api/v1/workflow"))["transitions"]!.AsArray()
            .Where(t => t!["from"]?.GetValue<string>() == "Resolved" && t["to"] is not null)
            .Select(t => (t!["action"]!.GetValue<string>(), t["to"]!.GetValue<string>(), t["role"]!.GetValue<string>(),
                string.Join(",", t["guards"]!.AsArray().Select(g => g!.GetValue<string>()))))
            .ToList();

        Assert.That(rows, Is.EquivalentTo(new[]
        {
            ("confirm", "Closed", "Requester", "ownTicket,notAChange"),
            ("confirm", "Closed", "BusinessApprover", "isChange,owningDepartment,evaluatedEffective"),
            ("confirm", "InProgress", "BusinessApprover", "isChange,owningDepartment,evaluatedNotEffective"),
            ("reopen", "InProgress", "Requester", "ownTicket,withinConfirmationWindow"),
            ("reopen", "InProgress", "BusinessApprover", "isChange,owningDepartment,withinConfirmationWindow"),
            ("auto-close", "Closed", "System", "notAChange,confirmationWindowPassed"),
        }));
    }
}
