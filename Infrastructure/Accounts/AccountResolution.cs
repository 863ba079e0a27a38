using System.Data.Common;
using System.Text.Json;
using Dapper;
using Itsm.Domain.Accounts;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;

namespace Itsm.Infrastructure.Accounts;

/// <summary>
/// The account changes one resolve of an AccountPermission ticket carries: checked against the ticket when the resolve is
/// decided, then applied to the register inside the resolve's transaction (<see cref="Tickets.AlongsideChange"/>), each
/// recorded in its account's history with the ticket and announced as <c>account.changed</c>. The first change that makes
/// no sense refuses the resolve: nothing is applied and the ticket stays as it was.
/// </summary>
public sealed class AccountResolution(AccountStore store, IReadOnlyList<AccountChange>? changes)
{
    public static readonly string ChangedEvent = TicketEvents.AccountEvents[0];
    private Ticket? _ticket;
    private Actor? _actor;
    private DateTimeOffset _now;

    /// <summary>Null to go ahead; a refusal when the ticket does not take account changes.</summary>
    public TicketError? Decide(Ticket ticket, Actor actor, DateTimeOffset now)
    {
        if (changes is not { Count: > 0 }) return null;
        if (ticket.Category != Category.AccountPermission)
            return TicketError.Invalid($"accountChanges come with an {Category.AccountPermission} ticket, not with {ticket.Category}.");
        (_ticket, _actor, _now) = (ticket, actor, now);
        return null;
    }

    public async Task<object?> ApplyAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        if (_ticket is not { } ticket || changes is not { Count: > 0 }) return null;
        var current = await AccountStore.ByLoginsAsync(connection, transaction, ticket.SystemId, changes.Select(c => c.Login).Distinct().ToList(), ct);
        var (changed, index, refusal) = AccountChanges.Apply(changes, current, ticket.SystemId, ticket.UnitId, ticket.UnitPath, _now);
        if (refusal is not null) return TicketError.Invalid($"accountChanges[{index}]: {refusal} Nothing was applied.");
        var ids = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var account in changed!.Values.Where(a => a.Id == 0 || !ReferenceEquals(a, current.GetValueOrDefault(a.Login))))
            ids[account.Login] = await store.SaveAsync(connection, transaction, account, ct);
        foreach (var change in changes)
        {
            var id = ids.TryGetValue(change.Login, out var saved) ? saved : current[change.Login].Id;
            var details = new { holder = change.Holder, department = change.Department, ticketNumber = ticket.Number };
            await AccountStore.AppendHistoryAsync(connection, transaction, id, _now, _actor!.UserId, change.Op, change.Role, details, ticket.Id, ct);
            await connection.ExecuteAsync(new CommandDefinition(OutboxSql.InsertEvent, Event(ticket, change, changed[change.Login]), transaction,
                cancellationToken: ct));
        }
        return null;
    }

    private OutboxEvent Event(Ticket ticket, AccountChange change, Account account)
    {
        var id = TicketEvents.EventId(_now);
        var payload = JsonSerializer.Serialize(new
        {
            id, type = ChangedEvent, occurredAt = _now,
            account = new
            {
                system = account.SystemId, login = account.Login, holder = account.Holder, unit = account.UnitId, department = account.Department,
                roles = account.Roles, status = account.Status.ToString(),
            },
            change = new { op = change.Op.ToString(), role = change.Role },
            ticket = new { id = ticket.Id, number = ticket.Number },
            actor = _actor!.UserId,
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        return new OutboxEvent(id, ChangedEvent, ticket.Id, account.UnitPath, payload, _now);
    }
}
