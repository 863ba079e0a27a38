using System.Net;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Access;

/// <summary>Who may do what (docs/domain.md (Roles)): a role that may not take an action gets 403 and the ticket does not change.</summary>
[TestFixture]
public sealed class RoleBoundaryTests : ApiFixture
{
    public static IEnumerable<TestCaseData> RolesThatMayNot()
    {
        object resolve = new { code = "Fixed", resolution = "Done" };
        yield return Case(TicketStatus.New, Keys.JsRequester, "triage", new { group = "JS-L2SYS" });
        yield return Case(TicketStatus.New, Keys.JsEngineer, "triage", new { group = "JS-L2SYS" });
        yield return Case(TicketStatus.New, Keys.JsItManager, "triage", new { group = "JS-L2SYS" });
        yield return Case(TicketStatus.Triaged, Keys.JsServiceDesk, "start", null);
        yield return Case(TicketStatus.Triaged, Keys.JsRequester, "start", null);
        yield return Case(TicketStatus.InProgress, Keys.JsServiceDesk, "hold", new { reason = "r" });
        yield return Case(TicketStatus.InProgress, Keys.JsApprover, "resolve", resolve);
        yield return Case(TicketStatus.InProgress, Keys.JsItManager, "resolve", resolve);
        yield return Case(TicketStatus.InProgress, Keys.JsServiceDesk, "resolve", resolve);
        yield return Case(TicketStatus.InProgress, Keys.JsServiceDesk, "escalate", new { reason = "r", whatWasTried = "t" });
        yield return Case(TicketStatus.PendingApproval, Keys.JsEngineer, "approve", null);
        yield return Case(TicketStatus.PendingApproval, Keys.JsItManager, "approve", null);
        yield return Case(TicketStatus.PendingApproval, Keys.JsServiceDesk, "reject", new { reason = "r" });
        yield return Case(TicketStatus.EscalatedToHq, Keys.JsEngineer, "hq-return", new { guidance = "g" });
        yield return Case(TicketStatus.EscalatedToHq, Keys.JsEngineer, "resolve", resolve);
        yield return Case(TicketStatus.EscalatedToHq, Keys.HqItManager, "hq-return", new { guidance = "g" });
        yield return Case(TicketStatus.Resolved, Keys.JsServiceDesk, "confirm", new { satisfaction = 5 });
        yield return Case(TicketStatus.Resolved, Keys.JsEngineer, "reopen", new { reason = "r" });
        yield return Case(TicketStatus.Triaged, Keys.JsEngineer, "cancel", new { reason = "r" });
        yield return Case(TicketStatus.Triaged, Keys.JsRequester, "reassign", new { group = "JS-L2BIZ", reason = "r" });
        yield return Case(TicketStatus.New, Keys.HqIntegration, "triage", new { group = "JS-L2SYS" });
    }

    private static TestCaseData Case(TicketStatus status, string key, string action, object? body) =>
        new TestCaseData(status, key, action, body).SetName($"{action} in {status} by {key} is forbidden");

    [TestCaseSource(nameof(RolesThatMayNot))]
    public async Task Action_ByRoleThatMayNot_Is403AndChangesNothing(TicketStatus status, string key, string action, object? body)
    {
        var ticket = await _given.TicketIn(status);
        using var caller = _app.As(key);

        var response = await caller.ActAsync(ticket.Id, action, body, ticket.Version);

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        var after = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That((after.Status, after.Version), Is.EqualTo((status, ticket.Version)));
    }

    [Test]
    public async Task Start_ByEngineerOutsideTheAssignedGroup_Is403()
    {
        var ticket = await _given.Requester.CreateAsync();
        var triaged = await _given.ServiceDesk.ActOkAsync(ticket.Id, "triage", new { group = "JS-L1" });

        var problem = await TicketClient.ExpectProblemAsync(await _given.Engineer.ActAsync(ticket.Id, "start", null, triaged.Version), HttpStatusCode.Forbidden);

        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("member of the ticket's assigned group"));
    }

    [Test]
    public async Task Approve_ByTheApproverWhoRaisedTheTicket_Is403SeparationOfDuties()
    {
        var ticket = await _given.Approver.CreateAsync(TicketClient.NewTicket("Grant me the AP role", Category.AccountPermission));
        await _given.ServiceDesk.ActOkAsync(ticket.Id, "triage", new { group = "JS-L2BIZ" });
        await _given.Engineer.ActOkAsync(ticket.Id, "start");
        var pending = await _given.Engineer.ActOkAsync(ticket.Id, "request-approval", Given.Plan);

        var problem = await TicketClient.ExpectProblemAsync(await _given.Approver.ActAsync(ticket.Id, "approve", null, pending.Version), HttpStatusCode.Forbidden);

        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("separation of duties"));
        using var otherApprover = _app.As(Keys.ZjApprover);
        await TicketClient.ExpectProblemAsync(await otherApprover.ActAsync(ticket.Id, "approve", null, pending.Version), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Resolve_AChangeWithoutApproval_Is409AndAfterApprovalSucceeds()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress, Category.ConfigurationChange);
        var resolve = Given.ConfigurationChangeResolved();

        var refused = await TicketClient.ExpectProblemAsync(await _given.Engineer.ActAsync(ticket.Id, "resolve", resolve, ticket.Version), HttpStatusCode.Conflict);
        Assert.That(refused["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:precondition-not-met"));
        Assert.That(refused["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()), Does.Contain("request-approval"));

        await _given.Engineer.ActOkAsync(ticket.Id, "request-approval", Given.Plan);
        var approved = await _given.Approver.ActOkAsync(ticket.Id, "approve", new { comment = "Go ahead" });
        Assert.That(approved.Approval!.Status, Is.EqualTo(ApprovalStatus.Approved));
        var resolved = await _given.Engineer.ActOkAsync(ticket.Id, "resolve", resolve);
        Assert.That(resolved.Status, Is.EqualTo(TicketStatus.Resolved));
    }

    [Test]
    public async Task RequestApproval_WithoutACompletePlan_Is400()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress, Category.DataChange);

        var response = await _given.Engineer.ActAsync(ticket.Id, "request-approval",
            new { plan = new { what = "Fix rows", backup = "dump" }, assessment = new { risk = "Medium", impact = "Invoices of one day" } }, ticket.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { "plan.transport", "plan.test", "plan.rollback" }));
    }

    [Test]
    public async Task Confirm_ByBusinessApprover_ClosesAResolvedChange()
    {
        var ticket = await _given.TicketIn(TicketStatus.PendingApproval, Category.DataChange);
        await _given.Approver.ActOkAsync(ticket.Id, "approve");
        await _given.Engineer.ActOkAsync(ticket.Id, "resolve", Given.ChangeResolved("Rows corrected"));

        var closed = await _given.Approver.ActOkAsync(ticket.Id, "confirm", new { effective = true, satisfaction = 4, comment = "Data checked" });

        Assert.That((closed.Status, closed.Outcome, closed.Satisfaction), Is.EqualTo((TicketStatus.Closed, (ClosureOutcome?)ClosureOutcome.Resolved, (int?)4)));
    }

    [Test]
    public async Task Reject_ClosesTheTicketAsRejected()
    {
        var ticket = await _given.TicketIn(TicketStatus.PendingApproval, Category.AccountPermission);

        var rejected = await _given.Approver.ActOkAsync(ticket.Id, "reject", new { reason = "Needs the department head's request" });

        Assert.That((rejected.Status, rejected.Outcome), Is.EqualTo((TicketStatus.Closed, (ClosureOutcome?)ClosureOutcome.Rejected)));
        Assert.That(rejected.Approval!.Status, Is.EqualTo(ApprovalStatus.Rejected));
    }

    [Test]
    public async Task Reopen_AfterTheConfirmationWindow_Is409AndWithinItSucceeds()
    {
        var late = await _given.TicketIn(TicketStatus.Resolved);
        var early = await _given.TicketIn(TicketStatus.Resolved);
        Assert.That(late.Resolution!.ConfirmationDue, Is.GreaterThan(late.Resolution.ResolvedAt.AddDays(6.9)), "5 working days span a weekend");

        _app.Clock.Advance(TimeSpan.FromDays(3));
        var reopened = await _given.Requester.ActOkAsync(early.Id, "reopen", new { reason = "Fails again" });
        Assert.That(reopened.Status, Is.EqualTo(TicketStatus.InProgress));

        _app.Clock.Advance(TimeSpan.FromDays(5));
        var refused = await TicketClient.ExpectProblemAsync(await _given.Requester.ActAsync(late.Id, "reopen", new { reason = "Fails again" }, late.Version), HttpStatusCode.Conflict);
        Assert.That(refused["detail"]!.GetValue<string>(), Does.Contain("confirmation window"));
        Assert.That(refused["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()), Does.Contain("confirm"));
    }

    [Test]
    public async Task Comment_InternalNoteByRequester_Is403()
    {
        var ticket = await _given.Requester.CreateAsync();

        var response = await _given.Requester.Http.PostAsync($"/api/v1/tickets/{ticket.Id}/comments",
            System.Net.Http.Json.JsonContent.Create(new { body = "note", visibility = "Internal" }));

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
    }
}
