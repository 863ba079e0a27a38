using Itsm.Infrastructure.Sql;

namespace Itsm.Api.Hosting;

/// <summary>
/// Background work that runs as soon as the database is ready and then every <see cref="Interval"/>, keeps going when one
/// run fails (the next catches up), and stops with the host, letting go of its lease so another instance resumes at once.
/// </summary>
public abstract class PeriodicService(DatabaseState database, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected virtual bool Enabled => true;

    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunOnceAsync(CancellationToken ct);

    /// <summary>Lets go of the job's lease; called when the host stops, even if the timer was switched off.</summary>
    protected virtual Task ReleaseLeaseAsync(CancellationToken ct) => Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!database.IsPrepared) return;
        try
        {
            await ReleaseLeaseAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "{Job} could not release its lease; it expires by itself", GetType().Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            // The first run does not wait for the timer: a restarted instance resumes at once.
            do
            {
                if (!database.IsPrepared) continue;
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "{Job} failed; the next run catches up", GetType().Name);
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
