using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Setup;

/// <summary>Drives tickets of unit JS through the API to any status, as the people whose job it is would.</summary>
public sealed class Given(ItsmApp app) : IDisposable
{
    public readonly TicketClient Requester = app.As(Keys.JsRequester);
    public readonly TicketClient ServiceDesk = app.As(Keys.JsServiceDesk);
    public readonly TicketClient Engineer = app.As(Keys.JsEngineer);
    public readonly TicketClient Approver = app.As(Keys.JsApprover);
    public readonly TicketClient ItManager = app.As(Keys.JsItManager);
    public readonly TicketClient HqEngineer = app.As(Keys.HqEngineer);

    /// <summary>A request-approval body: the complete five-part plan and O&amp;M's assessment.</summary>
    public static readonly object Plan = new
    {
        plan = new
        {
            what = "Add role AP_CLERK to wangli", transport = "Role change request QA → production", backup = "Export the role set",
            test = "Post a test invoice in QA", rollback = "Restore the role set",
        },
        assessment = new { risk = "Low", impact = "One user's roles in ERP" },
    };

    /// <summary>A resolve body for a change: the code, the text and the test made after it.</summary>
    public static object ChangeResolved(string resolution = "Changed") =>
        new { code = "ChangeImplemented", resolution, testResult = "Posted a test invoice: accepted" };

    /// <summary>A resolve body for a configuration change, which also says what happened to the inventory and the manuals.</summary>
    public static object ConfigurationChangeResolved(string resolution = "Changed") =>
        new
        {
            code = "ChangeImplemented", resolution, testResult = "Posted a test invoice: accepted",
            inventoryUnchanged = "A runtime switch outside the inventory", manualsUpdated = false, manualsNote = "No manual describes it",
        };

    /// <summary>The resolve body of a change of this category.</summary>
    public static object ChangeResolved(Category category, string resolution = "Changed") =>
        category == Category.ConfigurationChange ? ConfigurationChangeResolved(resolution) : ChangeResolved(resolution);

    public async Task<TicketResponse> TicketIn(TicketStatus status, Category category = Category.ApplicationProblem, string title = "ERP posting fails")
    {
        var ticket = await Requester.CreateAsync(TicketClient.NewTicket(title, category));
        var id = ticket.Id;
        return status switch
        {
            TicketStatus.New => ticket,
            TicketStatus.Triaged => await Triaged(id),
            TicketStatus.InProgress => await InProgress(id),
            TicketStatus.OnHold => await Then(InProgress(id), () => Engineer.ActOkAsync(id, "hold", new { reason = "Waiting for the user" })),
            TicketStatus.PendingApproval => await Then(InProgress(id), () => Engineer.ActOkAsync(id, "request-approval", Plan)),
            TicketStatus.EscalatedToHq => await Then(InProgress(id), () => Engineer.ActOkAsync(id, "escalate", new { reason = "Central defect", whatWasTried = "Reproduced" })),
            TicketStatus.Resolved => await Resolved(id, category),
            // A change is closed by its department's evaluation, anything else by its requester.
            TicketStatus.Closed => await Then(Resolved(id, category),
                () => category.NeedsApproval()
                    ? Approver.ActOkAsync(id, "confirm", new { effective = true, satisfaction = 4 })
                    : Requester.ActOkAsync(id, "confirm", new { satisfaction = 4 })),
            TicketStatus.Cancelled => await Requester.ActOkAsync(id, "cancel", new { reason = "Raised by mistake" }),
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
    }

    private Task<TicketResponse> Triaged(long id) => ServiceDesk.ActOkAsync(id, "triage", new { group = "JS-L2SYS" });

    private Task<TicketResponse> InProgress(long id) => Then(Triaged(id), () => Engineer.ActOkAsync(id, "start"));

    /// <summary>Resolved by the engineer; a change is approved first and resolved with its test result.</summary>
    private async Task<TicketResponse> Resolved(long id, Category category)
    {
        await InProgress(id);
        if (!category.NeedsApproval()) return await Engineer.ActOkAsync(id, "resolve", new { code = "Fixed", resolution = "Cleared the posting lock" });
        await Engineer.ActOkAsync(id, "request-approval", Plan);
        await Approver.ActOkAsync(id, "approve", new { comment = "Go ahead" });
        return await Engineer.ActOkAsync(id, "resolve", ChangeResolved(category));
    }

    private static async Task<TicketResponse> Then(Task<TicketResponse> first, Func<Task<TicketResponse>> next)
    {
        await first;
        return await next();
    }

    public void Dispose()
    {
        foreach (var client in new[] { Requester, ServiceDesk, Engineer, Approver, ItManager, HqEngineer }) client.Dispose();
    }
}
