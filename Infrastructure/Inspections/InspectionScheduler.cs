using Itsm.Domain.Inspections;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Hosting;
using Itsm.Infrastructure.Sla;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Inspections;

/// <summary>What one pass did.</summary>
public sealed record InspectionPass(bool Leased, int RunsCreated, int Probed, int Missed);

/// <summary>
/// One pass of the inspection scheduler: creates each due run at its time (found through the plans' indexed
/// <c>NextRunAt</c>, never by scanning runs), probes the automatic items of the runs it creates, and marks runs whose
/// window has passed Missed. A run and its plan's next due time are saved together, and (plan, due time) is unique, so
/// a pass interrupted anywhere and run again creates no run twice. Only the instance holding the lease runs it.
/// </summary>
public sealed class InspectionScheduler(InspectionStore store, InspectionRuns runs, InspectionFindings findings, InspectionProbes probes, SlaEngine engine,
    TimeProvider clock, JobLeases leases, ILogger<InspectionScheduler> logger)
{
    public const int BatchSize = 200;
    private const int Parallelism = 32;
    private readonly JobLease _lease = leases.For(JobLeases.Inspections);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<InspectionPass> RunPassAsync(CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (!await _lease.HoldAsync(ct)) return new InspectionPass(false, 0, 0, 0);
            var created = new List<InspectionRun>();
            var seen = new HashSet<(long, DateTimeOffset?)>();
            // Each plan handled moves its NextRunAt on; one seen twice did not move (no calendar), so stop there.
            for (var plans = await store.DuePlansAsync(now, BatchSize, ct);
                 plans.Count > 0 && plans.All(p => seen.Add((p.Id, p.NextRunAt))) && await _lease.HoldAsync(ct);
                 plans = await store.DuePlansAsync(now, BatchSize, ct))
            {
                var calendars = await engine.CalendarsAsync(ct);
                // Plans are independent: their runs are created side by side, so that the database commits them in groups.
                await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (plan, token) =>
                {
                    if (!calendars.TryGetValue(plan.Definition.Schedule.Calendar, out var calendar))
                    {
                        logger.LogWarning("Inspection plan {Plan} names calendar {Calendar}, which no longer exists", plan.Id, plan.Definition.Schedule.Calendar);
                        return;
                    }
                    var at = plan.NextRunAt!.Value;
                    var run = await store.CreateRunAsync(InspectionRun.Schedule(plan, plan.Definition.Unit, at),
                        (at, plan.Definition.Schedule.NextAfter(at, calendar)), token);
                    lock (created) created.Add(run);
                });
            }
            var probed = 0;
            // The runs just created, and any open run a restart (or a failed save) left with automatic items unchecked.
            var open = await store.OpenRunsAsync(now, BatchSize, ct);
            foreach (var run in created.Concat(open).Where(r => NeedsProbing(r, now)).DistinctBy(r => r.Id))
                if (await ProbeAsync(run.Id, ct)) probed++;
            // Findings a crash left unopened after their run was saved.
            foreach (var runId in await store.FindingsDueAsync(BatchSize, ct))
                if (await store.GetRunAsync(runId, Actor.System, ct) is { } owing)
                    await findings.OpenDueAsync(owing, ct);
            var missed = 0;
            var seenRuns = new HashSet<long>();
            for (var overdue = await store.OverdueRunsAsync(now, BatchSize, ct);
                 overdue.Count > 0 && overdue.All(r => seenRuns.Add(r.Id)) && await _lease.HoldAsync(ct);
                 overdue = await store.OverdueRunsAsync(now, BatchSize, ct))
                foreach (var run in overdue)
                    if ((await runs.ChangeAsync(run.Id, Actor.System, (r, at) => r.Miss(at), ct)).Result == RunChangeResult.Saved) missed++;
            if (created.Count + missed > 0)
                logger.LogInformation("Inspection pass: {Created} runs created, {Probed} probed, {Missed} missed", created.Count, probed, missed);
            return new InspectionPass(true, created.Count, probed, missed);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Lets the lease go when the host stops, so a restarted or other instance runs the next pass at once.</summary>
    public Task ReleaseLeaseAsync(CancellationToken ct) => _lease.ReleaseAsync(ct);

    /// <summary>
    /// Checks the run's automatic items now and records what they found; a run whose items are all automatic completes
    /// itself. True when something was recorded.
    /// </summary>
    public async Task<bool> ProbeAsync(long runId, CancellationToken ct)
    {
        var run = await store.GetRunAsync(runId, Actor.System, ct);
        if (run is null || !NeedsProbing(run, clock.GetUtcNow())) return false;
        var items = run.Items.Where(i => i.Item.IsAutomatic && i.Result is null).Select(i => i.Item).ToList();
        var records = await Task.WhenAll(items.Select(i => probes.ProbeAsync(i, ct)));
        var allAutomatic = run.Items.All(i => i.Item.IsAutomatic);
        var change = await runs.ChangeAsync(runId, Actor.System, (r, at) =>
        {
            var fresh = records.Where(p => r.Items.Any(i => i.Item.Code == p.Code && i.Result is null)).ToList();
            if (fresh.Count == 0) return new RunError(RunErrorKind.Conflict, "Already recorded.");
            if (r.Record(Actor.System, at, fresh) is { } error) return error;
            if (allAutomatic && r.State == RunState.Scheduled && r.Start(Actor.System, at) is { } notStarted) return notStarted;
            return allAutomatic && r.Items.All(i => i.Result is not null) ? r.Complete(Actor.System, at) : null;
        }, ct);
        return change.Result == RunChangeResult.Saved;
    }

    private static bool NeedsProbing(InspectionRun run, DateTimeOffset now) =>
        !run.IsFinal && now < run.Deadline && run.Items.Any(i => i.Item.IsAutomatic && i.Result is null);
}
