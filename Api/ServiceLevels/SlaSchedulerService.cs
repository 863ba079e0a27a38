using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;

namespace Itsm.Api.ServiceLevels;

/// <summary>Runs a scheduler pass every <c>Sla:SchedulerInterval</c> (default 30 s) once the database is ready.</summary>
public sealed class SlaSchedulerService(SlaScheduler scheduler, DatabaseState database, TimeProvider clock, IConfiguration configuration,
    ILogger<SlaSchedulerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Sla:SchedulerEnabled", true)) return;
        using var timer = new PeriodicTimer(configuration.GetValue("Sla:SchedulerInterval", TimeSpan.FromSeconds(30)), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!database.IsPrepared) continue;
                try
                {
                    await scheduler.RunPassAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "SLA scheduler pass failed; the next pass catches up");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
