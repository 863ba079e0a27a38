using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Setup;

/// <summary>
/// The demo cast of one province (JS or ZJ), driving that province's tickets through the API to any status, for a
/// change or not, as the people whose job it is would. Tickets are assigned to the province's line-2 system group.
/// </summary>
public sealed class Province : IDisposable
{
    public Province(ItsmApp app, string code)
    {
        Code = code;
        var prefix = "demo-" + code.ToLowerInvariant();
        Requester = app.As(prefix + "-requester");
        ServiceDesk = app.As(prefix + "-servicedesk");
        Engineer = app.As(prefix + "-engineer");
        Approver = app.As(prefix + "-approver");
        ItManager = app.As(prefix + "-itmanager");
    }

    public string Code { get; }
    public string AssignedGroup => Code + "-L2SYS";
    public string OtherGroup => Code + "-L2BIZ";
    public TicketClient Requester { get; }
    public TicketClient ServiceDesk { get; }
    public TicketClient Engineer { get; }
    public TicketClient Approver { get; }
    public TicketClient ItManager { get; }

    public static object ResolveBody(Category category) =>
        category.NeedsApproval() ? Given.ChangeResolved(category, "Done and tested") : new { code = "Fixed", resolution = "Done and tested" };

    /// <summary>
    /// A ticket raised by <paramref name="raisedBy"/> (the requester when null) and brought to <paramref name="status"/>.
    /// A change is approved on the way when <paramref name="approved"/> (always before it is resolved). An escalation names
    /// <paramref name="hqGroup"/> when given.
    /// </summary>
    public async Task<TicketResponse> TicketIn(TicketStatus status, Category category = Category.ApplicationProblem, bool approved = false,
        TicketClient? raisedBy = null, string title = "ERP posting fails", string? hqGroup = null)
    {
        var raiser = raisedBy ?? Requester;
        var ticket = await raiser.CreateAsync(TicketClient.NewTicket(title, category));
        var id = ticket.Id;
        var mustApprove = approved || (category.NeedsApproval() && status is TicketStatus.Resolved or TicketStatus.Closed);
        switch (status)
        {
            case TicketStatus.New:
                return ticket;
            case TicketStatus.Cancelled:
                return await ServiceDesk.ActOkAsync(id, "cancel", new { reason = "Raised by mistake" }, ticket.Version);
        }
        ticket = await ServiceDesk.ActOkAsync(id, "triage", new { group = AssignedGroup }, ticket.Version);
        if (status == TicketStatus.Triaged) return ticket;
        ticket = await Engineer.ActOkAsync(id, "start", null, ticket.Version);
        if (status == TicketStatus.PendingApproval)
            return await Engineer.ActOkAsync(id, "request-approval", Given.Plan, ticket.Version);
        if (mustApprove)
        {
            ticket = await Engineer.ActOkAsync(id, "request-approval", Given.Plan, ticket.Version);
            ticket = await Approver.ActOkAsync(id, "approve", new { comment = "Go ahead" }, ticket.Version);
        }
        return status switch
        {
            TicketStatus.InProgress => ticket,
            TicketStatus.OnHold => await Engineer.ActOkAsync(id, "hold", new { reason = "Waiting for the user" }, ticket.Version),
            TicketStatus.EscalatedToHq => await Engineer.ActOkAsync(id, "escalate", new { reason = "Central defect", whatWasTried = "Reproduced it", hqGroup }, ticket.Version),
            TicketStatus.Resolved => await Engineer.ActOkAsync(id, "resolve", ResolveBody(category), ticket.Version),
            TicketStatus.Closed => await Closed(await Engineer.ActOkAsync(id, "resolve", ResolveBody(category), ticket.Version)),
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };

        // A change is closed by its department's evaluation, anything else by whoever raised it.
        Task<TicketResponse> Closed(TicketResponse resolved) =>
            category.NeedsApproval()
                ? Approver.ActOkAsync(id, "confirm", new { effective = true, satisfaction = 4 }, resolved.Version)
                : raiser.ActOkAsync(id, "confirm", new { satisfaction = 4 }, resolved.Version);
    }

    public void Dispose()
    {
        foreach (var client in new[] { Requester, ServiceDesk, Engineer, Approver, ItManager }) client.Dispose();
    }
}
