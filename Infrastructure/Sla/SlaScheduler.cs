using System.Text.Json;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Hosting;
using Itsm.Infrastructure.Tickets;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Sla;

/// <summary>What one pass did.</summary>
public sealed record SchedulerPass(bool Leased, int TicketsTicked, int Escalated, int AutoClosed, int EvaluationsOverdue = 0);

/// <summary>
/// One pass of the service-level scheduler: finds the clocks whose next deadline has come through the indexed
/// <c>NextDeadline</c> (never by scanning tickets), records each warning and breach once, notifies, escalates to HQ
/// where the policy says so, and auto-closes resolved tickets whose confirmation window has passed, except changes: their
/// evaluation is notified as overdue instead, once. Deadlines missed while the service was down are simply due on the
/// next pass. Only the instance holding the lease runs it.
/// </summary>
public sealed class SlaScheduler(TicketChanges changes, SlaStore store, TimeProvider clock,
    ILogger<SlaScheduler> logger, JobLeases leases, MajorIncidentChildren? majorIncidents = null)
{
    public const int BatchSize = 200;
    private readonly JobLease _lease = leases.For(JobLeases.Sla);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<SchedulerPass> RunPassAsync(CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (!await _lease.HoldAsync(ct)) return new SchedulerPass(false, 0, 0, 0);
            var (ticked, escalated, closed) = (0, 0, 0);
            var seen = new HashSet<long>();
            // Each batch moves its clocks' deadlines past now; a ticket seen twice would mean they did not move, so stop there.
            for (var ids = await store.DueTicketIdsAsync(now, BatchSize, ct); ids.Count > 0 && ids.All(seen.Add) && await _lease.HoldAsync(ct); ids = await store.DueTicketIdsAsync(now, BatchSize, ct))
            {
                var (count, escalations) = await TickAsync(ids, now, ct);
                (ticked, escalated) = (ticked + count, escalated + escalations);
            }
            seen.Clear();
            for (var ids = await store.AutoCloseDueAsync(now, BatchSize, ct); ids.Count > 0 && ids.All(seen.Add) && await _lease.HoldAsync(ct); ids = await store.AutoCloseDueAsync(now, BatchSize, ct))
                closed += await AutoCloseAsync(ids, now, ct);
            seen.Clear();
            var overdue = 0;
            for (var ids = await store.EvaluationOverdueAsync(now, BatchSize, ct); ids.Count > 0 && ids.All(seen.Add) && await _lease.HoldAsync(ct); ids = await store.EvaluationOverdueAsync(now, BatchSize, ct))
                overdue += await NotifyEvaluationOverdueAsync(ids, now, ct);
            // Major incidents whose children a disconnect or a crash left unresolved after the incident's own resolve committed.
            for (var paid = -1; majorIncidents is not null && paid != 0 && await _lease.HoldAsync(ct);)
                paid = await majorIncidents.SweepAsync(BatchSize, ct);
            if (ticked + closed + overdue > 0)
                logger.LogInformation("SLA pass: {Ticked} tickets with due clocks, {Escalated} escalated to HQ, {Closed} auto-closed, {Overdue} evaluations overdue",
                    ticked, escalated, closed, overdue);
            return new SchedulerPass(true, ticked, escalated, closed, overdue);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Lets the lease go when the host stops, so a restarted or other instance runs the next pass at once.</summary>
    public Task ReleaseLeaseAsync(CancellationToken ct) => _lease.ReleaseAsync(ct);

    private async Task<(int Ticked, int Escalated)> TickAsync(IReadOnlyList<long> ids, DateTimeOffset now, CancellationToken ct)
    {
        var escalated = new HashSet<long>(); // a set: a retried unit of work runs the change again
        var ticked = await changes.ChangeLockedAsync(ids, (ticket, clocks, context) =>
        {
            var (notifications, escalates) = context.Tick(ticket, clocks, now);
            if (escalates) escalated.Add(ticket.Id);
            return new LockedChange(escalates, notifications);
        }, ct);
        return (ticked, escalated.Count);
    }

    private Task<int> AutoCloseAsync(IReadOnlyList<long> ids, DateTimeOffset now, CancellationToken ct) =>
        changes.ChangeLockedAsync(ids, (ticket, clocks, context) =>
        {
            var from = ticket.Status;
            return ticket.AutoClose(now) is null ? new LockedChange(true, context.OnChange(ticket, TicketAction.AutoClose, from, clocks, now)) : null;
        }, ct);

    /// <summary>
    /// Tells the unit's IT managers and the owning department's approvers (the unit's approvers while the department is not
    /// known) that a resolved change awaits its evaluation. The marker is saved with the history entry under the row lock,
    /// so a later pass, another instance or a restart never tells them twice.
    /// </summary>
    private Task<int> NotifyEvaluationOverdueAsync(IReadOnlyList<long> ids, DateTimeOffset now, CancellationToken ct) =>
        changes.ChangeLockedAsync(ids, (ticket, _, _) =>
        {
            if (!ticket.NoteEvaluationOverdue(now)) return null;
            var details = JsonSerializer.Serialize(new { ticket = ticket.Number, ticket.Title, ticket.ConfirmationDue, department = ticket.OwningDepartment }, SlaStore.Json);
            var (approvers, recipient) = ticket.OwningDepartment is { } department
                ? (RecipientKind.DepartmentApprovers, department)
                : (RecipientKind.Approvers, ticket.UnitPath);
            return new LockedChange(false, [Notice(RecipientKind.ItManagers, ticket.UnitPath), Notice(approvers, recipient)]);

            Notification Notice(RecipientKind kind, string recipient) => new()
            {
                TicketId = ticket.Id, Type = Ticket.EvaluationOverdueEvent, RecipientKind = kind, Recipient = recipient, CreatedAt = now, Details = details,
            };
        }, ct);
}
