using System.Text.Json;
using Itsm.Domain.Inspections;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sla;

namespace Itsm.Infrastructure.Inspections;

public enum RunChangeResult
{
    Saved,
    NotFound,
    Refused,
}

/// <summary>What became of a change to a run: the run as saved (or as loaded when refused), and why it was refused.</summary>
public sealed record RunChange(RunChangeResult Result, InspectionRun? Run, RunError? Error = null);

/// <summary>
/// The one path every change to a run takes, whoever makes it (an engineer, a probe, the scheduler): load in scope → the
/// domain's decision → a versioned update (re-read and decided again when someone else saved first, so partial saves of
/// two people both land), with the notifications and the outbox event of a run that ends → the findings of failed items. A finished run is never written again.
/// </summary>
public sealed class InspectionRuns(InspectionStore store, InspectionFindings findings, TimeProvider clock)
{
    private const int Attempts = 5;

    public async Task<RunChange> ChangeAsync(long id, Actor actor, Func<InspectionRun, DateTimeOffset, RunError?> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var run = await store.GetRunAsync(id, actor, ct);
            if (run is null) return new RunChange(RunChangeResult.NotFound, null);
            var now = clock.GetUtcNow();
            var (version, wasFinal) = (run.Version, run.IsFinal);
            if (decide(run, now) is { } error) return new RunChange(RunChangeResult.Refused, run, error);
            var ended = !wasFinal && run.IsFinal ? TicketEvents.From(run, actor.UserId, now) : null;
            if (await store.UpdateRunAsync(run, version, Notifications(run, now), ended, ct))
            {
                run.Version = version + 1;
                await findings.OpenDueAsync(run, ct);
                return new RunChange(RunChangeResult.Saved, run);
            }
            if (attempt == Attempts)
                return new RunChange(RunChangeResult.Refused, run,
                    new RunError(RunErrorKind.Conflict, "The run kept changing while this change was being saved; try again."));
        }
    }

    /// <summary>A missed run tells its group and the unit's IT managers, once: the run is saved Missed with them.</summary>
    private static IReadOnlyList<Notification> Notifications(InspectionRun run, DateTimeOffset now)
    {
        if (run.State != RunState.Missed) return [];
        var details = JsonSerializer.Serialize(new
        {
            run = run.Id, plan = run.PlanId, planName = run.PlanName, system = run.SystemId, unit = run.UnitId,
            scheduledAt = run.ScheduledAt, deadline = run.Deadline,
        }, SlaStore.Json);
        return
        [
            new Notification { InspectionRunId = run.Id, Type = "inspection.missed", RecipientKind = RecipientKind.Group, Recipient = run.GroupId, CreatedAt = now, Details = details },
            new Notification { InspectionRunId = run.Id, Type = "inspection.missed", RecipientKind = RecipientKind.ItManagers, Recipient = run.UnitPath, CreatedAt = now, Details = details },
        ];
    }
}
