using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Workflow;

public sealed record WorkflowGuard(string Name, string Kind, string Description);

public sealed record WorkflowTransition(string? From, string Action, string? To, string? Outcome, string Role, IReadOnlyList<string> Guards);

/// <summary>A work type, and whether it is a change: approved by the owning department before it is implemented.</summary>
public sealed record WorkflowCategory(Category Name, bool NeedsApproval);

/// <summary>The ticket lifecycle as data, straight from the domain's transition table, with a Mermaid diagram drawn from it.</summary>
/// <param name="Changes">The categories that are changes (guards <c>isChange</c>, <c>approvedIfChange</c>): the one approval-required set.</param>
/// <param name="Categories">Every category, with whether it needs the approval.</param>
public sealed record WorkflowResponse(
    IReadOnlyList<string> States, IReadOnlyList<string> Actions, IReadOnlyList<string> Roles,
    IReadOnlyList<WorkflowGuard> Guards, IReadOnlyList<WorkflowTransition> Transitions, string Mermaid,
    IReadOnlyList<Category> Changes, IReadOnlyList<WorkflowCategory> Categories);

public static class WorkflowApi
{
    public static RouteGroupBuilder MapWorkflow(this RouteGroupBuilder api)
    {
        api.MapGet("/workflow", Get).WithTags("Workflow").WithName("GetWorkflow")
            .WithSummary("The ticket lifecycle: states, actions, transitions, roles and guards, and a Mermaid stateDiagram")
            .WithDescription("`from: null` is creation (`request`); `to: null` leaves the status as it is. A transition applies when the " +
                             "caller has `role` and every guard holds. `changes` lists the categories that need the owning department's approval " +
                             "before they are implemented (guards `isChange`, `approvedIfChange`).");
        return api;
    }

    public static WorkflowResponse Get()
    {
        var table = TicketWorkflow.Table;
        return new WorkflowResponse(
            Enum.GetNames<TicketStatus>(),
            Enum.GetValues<TicketAction>().Select(a => a.Name()).ToList(),
            Enum.GetNames<Role>(),
            table.SelectMany(t => t.Guards).Distinct().Select(g => new WorkflowGuard(g.Name, g.Kind.ToString(), g.Description)).ToList(),
            table.Select(t => new WorkflowTransition(t.From?.ToString(), t.Action.Name(), t.To?.ToString(), t.Outcome?.ToString(),
                t.By.ToString(), t.Guards.Select(g => g.Name).ToList())).ToList(),
            TicketWorkflow.MermaidDiagram(),
            CategoryRules.Changes,
            Enum.GetValues<Category>().Select(c => new WorkflowCategory(c, c.NeedsApproval())).ToList());
    }
}
