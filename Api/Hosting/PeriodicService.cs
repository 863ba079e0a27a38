using Itsm.Infrastructure.Sql;

namespace Itsm.Api.Hosting;

/// <summary>
/// Background work that runs every <see cref="Interval"/> once the database is ready, keeps going when one run fails
/// (the next catches up), and stops with the host.
/// </summary>
public abstract class PeriodicService(DatabaseState database, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected virtual bool Enabled => true;

    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
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
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
