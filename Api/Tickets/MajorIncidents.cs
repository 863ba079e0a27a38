using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Itsm.Api.Tickets;

/// <summary>A major incident resolved: its children are resolved with it, and those left as they were are listed in the response.</summary>
public static class MajorIncidents
{
    public static async Task<IResult> ResolveChildrenAsync(IResult resolved, LinkStore links, Actor actor, CancellationToken ct)
    {
        if (resolved is not Ok<TicketResponse> { Value: { Resolution: { } resolution } parent }) return resolved;
        var notResolved = await links.ResolveChildrenAsync(new MajorIncident(parent.Id, parent.Number, resolution.Code, resolution.Text), actor, ct);
        return notResolved is null ? resolved : TypedResults.Ok(parent with { ChildrenNotResolved = notResolved });
    }
}
