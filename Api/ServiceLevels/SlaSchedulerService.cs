using Itsm.Api.Hosting;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;

namespace Itsm.Api.ServiceLevels;

/// <summary>Runs a scheduler pass every <c>Sla:SchedulerInterval</c> (default 30 s).</summary>
public sealed class SlaSchedulerService(SlaScheduler scheduler, DatabaseState database, TimeProvider clock, IConfiguration configuration,
    ILogger<SlaSchedulerService> logger) : PeriodicService(database, clock, logger)
{
    protected override bool Enabled => configuration.GetValue("Sla:SchedulerEnabled", true);

    protected override TimeSpan Interval => configuration.GetValue("Sla:SchedulerInterval", TimeSpan.FromSeconds(30));

    protected override Task RunOnceAsync(CancellationToken ct) => scheduler.RunPassAsync(ct);

    protected override Task ReleaseLeaseAsync(CancellationToken ct) => scheduler.ReleaseLeaseAsync(ct);
}
