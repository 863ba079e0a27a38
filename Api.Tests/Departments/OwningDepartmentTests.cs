using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Departments;

/// <summary>
/// A change is approved or rejected only by a business approver of the department that owns its system at the ticket's
/// unit: the owner entry of the nearest unit on the ticket's path (demo: ERP and ESB by Finance, HR by HR, at HQ, JS and ZJ).
/// </summary>
[TestFixture]
public sealed class OwningDepartmentTests : ApiFixture
{
    private const string NotOwning = "urn:itsm:problem:not-owning-department";

    [Test]
    public async Task Approve_ByAnotherDepartmentsApprover_Is403NotOwningDepartmentAndChangesNothing()
    {
        var ticket = await PendingChange("ERP");
        using var hrApprover = _app.As(Keys.JsHrApprover);

        var response = await hrApprover.ActAsync(ticket.Id, "approve", new { comment = "Fine by HR" }, ticket.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo(NotOwning));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("department"));
        var after = await hrApprover.GetTicketAsync(ticket.Id);
        Assert.That((after.Version, after.Status), Is.EqualTo((ticket.Version, TicketStatus.PendingApproval)));
        Assert.That(after.AllowedActions, Does.Not.Contain("approve").And.Not.Contain("reject"));
    }

    [Test]
    public async Task Reject_ByAnotherDepartmentsApprover_Is403NotOwningDepartment()
    {
        var ticket = await PendingChange("ERP");
        using var hrApprover = _app.As(Keys.JsHrApprover);

        var response = await hrApprover.ActAsync(ticket.Id, "reject", new { reason = "Not ours to say" }, ticket.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo(NotOwning));
        Assert.That((await hrApprover.GetTicketAsync(ticket.Id)).Version, Is.EqualTo(ticket.Version));
    }

    [Test]
    public async Task Approve_HrChangeByTheFinanceApprover_Is403_ByTheHrApprover_Approves()
    {
        var ticket = await PendingChange("HR");
        Assert.That(ticket.OwningDepartment, Is.EqualTo("JS-HR"));

        var refused = await _given.Approver.ActAsync(ticket.Id, "approve", new { comment = "Go" }, ticket.Version);
        Assert.That((await TicketClient.ExpectProblemAsync(refused, HttpStatusCode.Forbidden))["type"]!.GetValue<string>(), Is.EqualTo(NotOwning));
        Assert.That((await _given.Approver.GetTicketAsync(ticket.Id)).AllowedActions, Does.Not.Contain("approve"));

        using var hrApprover = _app.As(Keys.JsHrApprover);
        Assert.That((await hrApprover.GetTicketAsync(ticket.Id)).AllowedActions, Does.Contain("approve").And.Contain("reject"));
        var approved = await hrApprover.ActOkAsync(ticket.Id, "approve", new { comment = "HR agrees" }, ticket.Version);

        Assert.That((approved.Status, approved.Approval!.Status), Is.EqualTo((TicketStatus.InProgress, ApprovalStatus.Approved)));
    }

    [Test]
    public async Task Approve_ErpChangeByTheUnitsFinanceApprover_Approves()
    {
        var ticket = await PendingChange("ERP");
        Assert.That(ticket.OwningDepartment, Is.EqualTo("JS-FIN"));

        var approved = await _given.Approver.ActOkAsync(ticket.Id, "approve", new { comment = "Finance agrees" }, ticket.Version);

        Assert.That(approved.Status, Is.EqualTo(TicketStatus.InProgress));
    }

    [Test]
    public async Task BranchTicket_WithoutItsOwnOwner_IsOwnedByTheProvincesOwnerAndApprovedThere()
    {
        var ticket = await PendingChange("ERP", unit: "JS-NJ");
        Assert.That((ticket.Unit, ticket.OwningDepartment), Is.EqualTo(("JS-NJ", "JS-FIN")));

        var approved = await _given.Approver.ActOkAsync(ticket.Id, "approve", new { comment = "Finance agrees" }, ticket.Version);

        Assert.That(approved.Status, Is.EqualTo(TicketStatus.InProgress));
    }

    [Test]
    public async Task HqTicket_OnErp_IsOwnedByHqFinance_NotByAProvincesFinance()
    {
        using var hqManager = _app.As(Keys.HqItManager);
        await TicketClient.ExpectAsync(await hqManager.Http.PostAsJsonAsync("/api/v1/admin/users",
            new { id = "hq-servicedesk", name = "HQ desk", unit = "HQ", roles = new[] { "ServiceDesk" }, groups = new[] { "HQ-L1" } }), HttpStatusCode.Created);
        var issued = await hqManager.Http.PostAsJsonAsync("/api/v1/admin/users/hq-servicedesk/api-keys", new { name = "test" });
        await TicketClient.ExpectAsync(issued, HttpStatusCode.Created);
        using var desk = _app.As((await issued.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>());
        using var requester = _app.As(Keys.HqHrApprover);
        using var hqApprover = _app.As(Keys.HqApprover);

        var ticket = await requester.CreateAsync(TicketClient.NewTicket("Change the HQ posting period", Category.ConfigurationChange));
        await desk.ActOkAsync(ticket.Id, "triage", new { group = "HQ-L2SYS" });
        await _given.HqEngineer.ActOkAsync(ticket.Id, "start");
        ticket = await _given.HqEngineer.ActOkAsync(ticket.Id, "request-approval", Given.Plan);
        Assert.That(ticket.OwningDepartment, Is.EqualTo("HQ-FIN"));

        var approved = await hqApprover.ActOkAsync(ticket.Id, "approve", new { comment = "HQ Finance agrees" }, ticket.Version);

        Assert.That(approved.Status, Is.EqualTo(TicketStatus.InProgress));
    }

    [Test]
    public async Task TicketList_ShowsEachTicketsOwningDepartment()
    {
        var erp = await _given.Requester.CreateAsync(TicketClient.NewTicket("ERP list owner", system: "ERP"));
        var hr = await _given.Requester.CreateAsync(TicketClient.NewTicket("HR list owner", system: "HR"));

        var page = await _given.ItManager.GetJsonAsync("/api/v1/tickets?limit=200");

        var owners = page["items"]!.AsArray().ToDictionary(t => t!["id"]!.GetValue<long>(), t => t!["owningDepartment"]?.GetValue<string>());
        Assert.That((owners[erp.Id], owners[hr.Id]), Is.EqualTo(("JS-FIN", "JS-HR")));
    }

    /// <summary>A configuration change on <paramref name="system"/> raised in JS (or the given unit), waiting for approval.</summary>
    private async Task<TicketResponse> PendingChange(string system, string? unit = null)
    {
        var ticket = await _given.Requester.CreateAsync(TicketClient.NewTicket($"Change on {system}", Category.ConfigurationChange, system, unit: unit));
        await _given.ServiceDesk.ActOkAsync(ticket.Id, "triage", new { group = "JS-L2SYS" });
        await _given.Engineer.ActOkAsync(ticket.Id, "start");
        return await _given.Engineer.ActOkAsync(ticket.Id, "request-approval", Given.Plan);
    }
}
