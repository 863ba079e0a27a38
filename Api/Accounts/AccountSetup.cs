using Itsm.Api.Hosting;
using Itsm.Infrastructure.Accounts;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Options;

namespace Itsm.Api.Accounts;

public static class AccountSetup
{
    /// <summary>The register, access reviews and their scheduler (dormant accounts, overdue and quarterly reviews).</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<AccountOptions>().BindConfiguration("Accounts");
        services.AddSingleton(p => p.GetRequiredService<IOptions<AccountOptions>>().Value);
        services.AddSingleton<AccountStore>();
        services.AddSingleton<AccessReviewStore>();
        services.AddSingleton<AccessReviews>();
        services.AddSingleton<AccountScheduler>();
        services.AddSingleton<AccountDemo>();
        services.AddHostedService<AccountSchedulerService>();
        return services;
    }
}

/// <summary>Runs an account pass every <c>Accounts:SchedulerInterval</c> (default 5 min).</summary>
public sealed class AccountSchedulerService(AccountScheduler scheduler, AccountOptions options, DatabaseState database, TimeProvider clock,
    ILogger<AccountSchedulerService> logger) : PeriodicService(database, clock, logger)
{
    protected override bool Enabled => options.SchedulerEnabled;

    protected override TimeSpan Interval => options.SchedulerInterval;

    protected override Task RunOnceAsync(CancellationToken ct) => scheduler.RunPassAsync(ct);

    protected override Task ReleaseLeaseAsync(CancellationToken ct) => scheduler.ReleaseLeaseAsync(ct);
}
