using System.Data.Common;
using Dapper;
using Itsm.Domain.Organisation;
using Itsm.Domain.Sla;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Search;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Telemetry;

namespace Itsm.Infrastructure.Tickets;

/// <summary>
/// Other writes that belong to a ticket's change (e.g. the HQ escalation an event answers), inside its transaction after
/// the ticket's row is locked. A non-null result refuses the change: everything is rolled back and the result returned.
/// </summary>
public delegate Task<object?> AlongsideChange(DbConnection connection, DbTransaction transaction, CancellationToken ct);

public enum ChangeResult
{
    Saved,
    NotFound,
    /// <summary>The caller's precondition (If-Match) does not hold, or the ticket changed meanwhile: nothing was saved.</summary>
    Stale,
    /// <summary>The decision (or a write alongside) refused the change: nothing was saved.</summary>
    Refused,
}

/// <summary>What became of a change: the ticket as saved (Saved), as it is now (Stale) or as loaded (Refused), and why it was refused.</summary>
public sealed record TicketChange(ChangeResult Result, Ticket? Ticket, object? Refusal = null);

/// <summary>What a change made to a ticket read under its row lock: whether its own fields changed (a new version), and whom to notify.</summary>
public sealed record LockedChange(bool NewVersion, IReadOnlyList<Notification> Notifications);

/// <summary>
/// The one path every ticket change takes, whoever makes it (an endpoint, an HQ event, the scheduler): load in scope →
/// precondition → the domain's decision → a versioned update that locks the row → the clocks read under that lock and
/// moved → history and outbox events → the change sequence → commit. Nothing else writes a ticket. What was committed is
/// counted (tickets raised, actions, breaches) from the change's new history.
/// </summary>
public sealed class TicketChanges(Database database, TicketStore store, SlaStore slaStore, SlaEngine engine, TimeProvider clock,
    ItsmMetrics? metrics = null)
{
    /// <summary>
    /// Stores a newly raised ticket, numbered in the year of its creation in its unit's business time zone. With an external
    /// reference another request raced in, that request's ticket is returned instead.
    /// </summary>
    public async Task<(Ticket Ticket, bool Existing)> RaiseAsync(Ticket ticket, SlaContext sla, CancellationToken ct)
    {
        ticket.UnderSlaPolicy(sla.Policy.Version);
        var year = TimeZoneInfo.ConvertTime(ticket.CreatedAt, sla.TimeZoneOf(ticket.UnitPath)).Year;
        try
        {
            await store.InsertAsync(ticket, year, t => StartClocks(t, sla), ct);
            metrics?.TicketCreated();
            return (ticket, false);
        }
        catch (DbException e) when (ticket.InspectionRunId is { } runId && database.Dialect.IsUniqueViolation(e))
        {
            // One finding per run item: another request opened it meanwhile.
            var opened = await store.FindByInspectionItemAsync(runId, ticket.InspectionItem!, ct);
            if (opened is null) throw;
            return (opened, true);
        }
        catch (DbException) when (ticket.ExternalSystem is { } system)
        {
            // The unique reference was taken meanwhile: theirs is the ticket.
            var raced = await store.FindByExternalRefAsync(ticket.RaisedBy, new ExternalRef(system, ticket.ExternalId!), ct);
            if (raced is null) throw;
            return (raced, true);
        }
    }

    /// <summary>A ticket raised already triaged (an inspection finding) has met its response target at creation.</summary>
    private IReadOnlyList<SlaClock> StartClocks(Ticket ticket, SlaContext sla)
    {
        var clocks = sla.StartClocks(ticket).ToList();
        if (ticket.Status == TicketStatus.Triaged) sla.OnChange(ticket, TicketAction.Triage, TicketStatus.New, clocks, ticket.CreatedAt);
        return clocks;
    }

    /// <summary>
    /// A caller's action on a ticket in their scope: the decision runs on the ticket as loaded (it may look things up);
    /// the save succeeds only if the ticket is still at that version, and moves the clocks as read under the row lock.
    /// The decision returns null to go ahead, anything else to refuse.
    /// </summary>
    public async Task<TicketChange> ApplyAsync(long id, Actor actor, TicketAction action, Func<Ticket, bool> precondition,
        Func<Ticket, SlaContext, DateTimeOffset, Task<object?>> decide, AlongsideChange? alongside, CancellationToken ct)
    {
        var ticket = await store.GetAsync(id, actor, ct);
        if (ticket is null) return new TicketChange(ChangeResult.NotFound, null);
        if (!precondition(ticket)) return new TicketChange(ChangeResult.Stale, ticket);

        var now = clock.GetUtcNow();
        var sla = await engine.ContextAsync(ticket.SlaPolicyVersion, ct);
        var (from, version) = (ticket.Status, ticket.Version);
        var (text, fields) = (SearchIndex.IndexedText(ticket), TicketStore.FieldsOf(ticket));
        if (await decide(ticket, sla, now) is { } refusal) return new TicketChange(ChangeResult.Refused, ticket, refusal);
        // The search terms and the fields to write are worked out here rather than in the single writer's turn, the terms only
        // when the text changed.
        var terms = SearchIndex.IndexedText(ticket) == text ? null : SearchIndex.FieldTerms(ticket.Number, ticket.Title, ticket.Description, ticket.Resolution);
        var changed = TicketStore.ChangedFields(fields, ticket);

        var made = ticket.Changes.Count;
        var outcome = await WriteAsync(async (connection, transaction, token) =>
        {
            // A retried attempt starts from the change as decided, without the clocks' entries of the last attempt.
            ticket.RewindChanges(made);
            if (store.SequencesFirst) await store.SequenceFirstAsync(connection, transaction, ticket, token);
            if (!await store.UpdateVersionAsync(connection, transaction, ticket, version, token, terms is null ? TextIndex.Same : TextIndex.With(terms),
                    store.SequencesFirst ? changed | TicketSql.WithChangeSequence : changed))
                // A sequence number taken first goes back with the unit's savepoint: a stale change leaves no gap.
                return store.SequencesFirst ? throw new StaleUnderLock() : ChangeResult.Stale;
            var clocks = await slaStore.ClocksAsync(connection, transaction, ticket.Id, token);
            var notifications = sla.OnChange(ticket, action, from, clocks, now);
            await store.PersistAsync(connection, transaction, ticket, clocks, notifications, token);
            if (action == TicketAction.Resolve && ticket.Status == TicketStatus.Resolved)
                await OweChildrenAsync(connection, transaction, ticket.Id, actor, now, token);
            return await FinishAsync(connection, transaction, ticket, alongside, store.SequencesFirst, token);
        }, ct);
        if (outcome.Result == ChangeResult.Saved) metrics?.Changed(ticket.Changes);
        return await OutcomeAsync(outcome, ticket, version + 1, () => store.GetAsync(id, actor, ct));
    }

    /// <summary>
    /// Records something that happened to a ticket in the caller's scope without changing it (its version stays), e.g. HQ
    /// acknowledged an escalation. The decision runs on the ticket as read under its row lock, never on an earlier copy.
    /// </summary>
    public async Task<TicketChange> RecordAsync(long id, Actor actor, Func<Ticket, DateTimeOffset, object?> decide,
        AlongsideChange? alongside, CancellationToken ct)
    {
        if (await store.GetAsync(id, actor, ct) is null) return new TicketChange(ChangeResult.NotFound, null);
        Ticket? locked = null;
        object? refusal = null;
        var outcome = await WriteAsync(async (connection, transaction, token) =>
        {
            await store.LockAsync(connection, transaction, [id], token);
            locked = (await store.GetManyAsync(connection, transaction, [id], token)).Single();
            if ((refusal = decide(locked, clock.GetUtcNow())) is not null) return ChangeResult.Refused;
            var clocks = await slaStore.ClocksAsync(connection, transaction, id, token);
            await store.PersistAsync(connection, transaction, locked, clocks, [], token);
            return await FinishAsync(connection, transaction, locked, alongside, sequenced: false, token);
        }, ct);
        if (outcome.Result == ChangeResult.Refused && refusal is not null) return new TicketChange(ChangeResult.Refused, locked, refusal);
        if (outcome.Result == ChangeResult.Saved) metrics?.Changed(locked!.Changes);
        return await OutcomeAsync(outcome, locked!, locked!.Version, () => Task.FromResult<Ticket?>(locked));
    }

    /// <summary>
    /// The service's own work on tickets (the scheduler): in one transaction, locks the tickets' rows, reads them and their
    /// clocks, lets <paramref name="change"/> change each (null: nothing to save) and saves what changed. Returns how many did.
    /// </summary>
    public async Task<int> ChangeLockedAsync(IReadOnlyCollection<long> ids, Func<Ticket, List<SlaClock>, SlaContext, LockedChange?> change,
        CancellationToken ct)
    {
        var history = new List<HistoryEntry>();
        var changed = await database.WriteAsync(async (connection, transaction, token) =>
        {
            history.Clear(); // a retried unit of work starts again
            await store.LockAsync(connection, transaction, ids, token);
            var clocks = await slaStore.ClocksAsync(connection, transaction, ids, token);
            var changed = 0;
            foreach (var ticket in await store.GetManyAsync(connection, transaction, ids, token))
            {
                var sla = await engine.ContextAsync(ticket.SlaPolicyVersion, token);
                var ticketClocks = clocks[ticket.Id].ToList();
                var version = ticket.Version;
                if (change(ticket, ticketClocks, sla) is not { } made) continue;
                // The row is locked and was read after the lock: the versioned update cannot miss.
                if (made.NewVersion && !await store.UpdateVersionAsync(connection, transaction, ticket, version, token))
                    throw new InvalidOperationException($"Ticket {ticket.Id} changed under its row lock.");
                await store.PersistAsync(connection, transaction, ticket, ticketClocks, made.Notifications, token);
                await store.SequenceAsync(connection, transaction, ticket, token);
                history.AddRange(ticket.Changes);
                changed++;
            }
            return changed;
        }, ct);
        metrics?.Changed(history);
        return changed;
    }

    /// <summary>
    /// A resolved major incident owes its children their resolution: marked in its own transaction, whatever path resolved
    /// it, and paid after the commit (<see cref="MajorIncidentChildren"/>), by the next scheduler pass if not at once.
    /// </summary>
    private static async Task OweChildrenAsync(DbConnection connection, DbTransaction transaction, long id, Actor actor, DateTimeOffset now,
        CancellationToken ct)
    {
        var args = new { TicketId = id, ResolvedBy = actor.UserId, MarkedAt = now };
        await connection.ExecuteAsync(new CommandDefinition(TicketWorkSql.ForgetChildrenOwed, args, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(TicketWorkSql.OweChildren, args, transaction, cancellationToken: ct));
    }

    /// <summary>The writes alongside, then the change sequence last (its row is held as briefly as possible) unless <paramref name="sequenced"/> first.</summary>
    private async Task<ChangeResult> FinishAsync(DbConnection connection, DbTransaction transaction, Ticket ticket, AlongsideChange? alongside,
        bool sequenced, CancellationToken ct)
    {
        if (alongside is not null && await alongside(connection, transaction, ct) is { } refusal) throw new RefusedAlongside(refusal);
        if (!sequenced) await store.SequenceAsync(connection, transaction, ticket, ct);
        return ChangeResult.Saved;
    }

    private async Task<(ChangeResult Result, object? Refusal)> WriteAsync(
        Func<DbConnection, DbTransaction, CancellationToken, Task<ChangeResult>> work, CancellationToken ct)
    {
        try
        {
            return (await database.WriteAsync(work, ct), null);
        }
        catch (RefusedAlongside refused)
        {
            return (ChangeResult.Refused, refused.Refusal);
        }
        catch (StaleUnderLock)
        {
            return (ChangeResult.Stale, null);
        }
    }

    private static async Task<TicketChange> OutcomeAsync((ChangeResult Result, object? Refusal) outcome, Ticket ticket, int savedVersion,
        Func<Task<Ticket?>> current)
    {
        switch (outcome.Result)
        {
            case ChangeResult.Saved:
                ticket.Saved(savedVersion);
                return new TicketChange(ChangeResult.Saved, ticket);
            case ChangeResult.Stale:
                return new TicketChange(ChangeResult.Stale, await current() ?? ticket);
            default:
                return new TicketChange(outcome.Result, ticket, outcome.Refusal);
        }
    }

    /// <summary>Thrown inside the unit of work when the ticket moved on, so that it rolls back, caught around it.</summary>
    private sealed class StaleUnderLock() : Exception("The ticket changed since it was read.");

    /// <summary>Thrown inside the unit of work so that it rolls back, caught around it.</summary>
    private sealed class RefusedAlongside(object refusal) : Exception("A write alongside the change refused it.")
    {
        public object Refusal { get; } = refusal;
    }
}
