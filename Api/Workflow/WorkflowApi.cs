using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Workflow;

public sealed record WorkflowGuard(string Name, string Kind, string Description);

public sealed record WorkflowTransition(string? From, string Action, string? To, string? Outcome, string Role, IReadOnlyList<string> Guards);

/// <summary>The ticket lifecycle as data, straight from the domain's transition table, with a Mermaid diagram drawn from it.</summary>
public sealed record WorkflowResponse(
    IReadOnlyList<string> States, IReadOnlyList<string> Actions, IReadOnlyList<string> Roles,
    IReadOnlyList<WorkflowGuard> Guards, IReadOnlyList<WorkflowTransition> Transitions, string Mermaid);

public static class WorkflowApi
{
    public static RouteGroupBuilder MapWorkflow(this RouteGroupBuilder api)
    {
        api.MapGet("/workflow", Get).WithTags("Workflow").WithName("GetWorkflow")
            .WithSummary("The ticket lifecycle: states, actions, transitions, roles and guards, and a Mermaid stateDiagram")
            .WithDescription("`from: null` is creation (`request`); `to: null` leaves the status as it is. A transition applies when the " +
                             "caller has `role` and every guard holds.");
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
            TicketWorkflow.MermaidDiagram());
    }
}
