using Itsm.Infrastructure.Hosting;
using Itsm.Infrastructure.Retention;
using Itsm.Infrastructure.Sql;

namespace Itsm.Api.Hosting;

public static class RetentionSetup
{
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        return services.AddHostedService<RetentionPurgeService>();
    }
}

/// <summary>Purges what has passed its retention (<c>Retention</c> section) every <c>Retention:Interval</c> (default hourly), on one instance.</summary>
public sealed class RetentionPurgeService(RetentionPurge purge, JobLeases leases, DatabaseState database, TimeProvider clock, IConfiguration configuration,
    ILogger<RetentionPurgeService> logger) : PeriodicService(database, clock, logger)
{
    private readonly JobLease _lease = leases.For(JobLeases.Retention);
    private readonly TimeProvider _clock = clock;
    private readonly ILogger _logger = logger;

    protected override bool Enabled => configuration.GetValue("Retention:Enabled", true);

    protected override TimeSpan Interval => configuration.GetValue("Retention:Interval", TimeSpan.FromHours(1));

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        if (!await _lease.HoldAsync(ct)) return;
        var purged = await purge.PurgeAsync(_clock.GetUtcNow(), ct, _lease.HoldAsync);
        if (purged != new PurgeResult(0, 0, 0, 0, 0)) _logger.LogInformation("Retention purge: {Purged}", purged);
    }

    protected override Task ReleaseLeaseAsync(CancellationToken ct) => _lease.ReleaseAsync(ct);
}
