using Itsm.Infrastructure.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Itsm.Api.Tickets;

/// <summary>A major incident resolved: its children are resolved with it, and those left as they were are listed in the response.</summary>
public static class MajorIncidents
{
    /// <summary>
    /// Its resolve marked the children owed; they are resolved now, whether or not the caller is still there (never on the
    /// request's cancellation), and the scheduler finishes whatever a crash leaves.
    /// </summary>
    public static async Task<IResult> ResolveChildrenAsync(IResult resolved, MajorIncidentChildren children)
    {
        if (resolved is not Ok<TicketResponse> { Value: { Resolution: not null } parent }) return resolved;
        var notResolved = await children.ResolveOwedAsync(parent.Id, CancellationToken.None);
        return notResolved is null ? resolved : TypedResults.Ok(parent with { ChildrenNotResolved = notResolved });
    }
}
