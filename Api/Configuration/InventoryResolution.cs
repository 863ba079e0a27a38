using Itsm.Api.Tickets;
using Itsm.Domain.Configuration;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Configuration;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.Configuration;

/// <summary>
/// The inventory part of resolving a ticket: the domain's rule decides with the resolve (a configuration change says what
/// happened to the inventory), and the new versions are written alongside, in the resolve's transaction: if one cannot be
/// written, neither the resolve nor any version is saved.
/// </summary>
public sealed class InventoryResolution(InventoryReport report, IServiceProvider services)
{
    private (Ticket Ticket, Actor Actor, DateTimeOffset Now)? _decided;

    public TicketError? Refusal(Ticket ticket, Actor actor, DateTimeOffset now)
    {
        _decided = (ticket, actor, now);
        return report.RefusalToResolve(ticket, actor, now);
    }

    public async Task<object?> Alongside(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, CancellationToken ct)
    {
        if (_decided is not var (ticket, actor, now) || report.Updates is not { Count: > 0 } updates) return null;
        return await services.GetRequiredService<ConfigurationStore>().ApplyChangeAsync(connection, transaction, ticket, updates, actor, now, ct);
    }
}

/// <summary>A configuration change's response lists the inventory versions its resolve wrote.</summary>
public static class TicketInventory
{
    public static async Task<TicketResponse> ListedAsync(TicketResponse response, IServiceProvider services, CancellationToken ct)
    {
        if (response.Category != Category.ConfigurationChange) return response;
        var versions = await services.GetRequiredService<ConfigurationStore>().VersionsOfTicketAsync(response.Id, ct);
        return response with { Inventory = versions.Select(TicketInventoryVersion.From).ToList() };
    }
}
