using Itsm.Api.Hosting;
using Itsm.Infrastructure.Inspections;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Itsm.Api.Inspections;

public static class InspectionSetup
{
    /// <summary>The inspection store, the change path of runs, findings, the probe client and the scheduler.</summary>
    public static IServiceCollection AddInspections(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<InspectionOptions>().BindConfiguration("Inspections")
            .PostConfigure(o => o.AllowLoopback |= environment.IsDevelopment());
        services.AddSingleton(p => p.GetRequiredService<IOptions<InspectionOptions>>().Value);
        services.AddSingleton(p => new InspectionTargets(p.GetRequiredService<InspectionOptions>()));
        services.AddSingleton<InspectionStore>();
        services.AddSingleton<InspectionFindings>();
        services.AddSingleton<InspectionRuns>();
        services.AddSingleton<InspectionScheduler>();
        services.AddSingleton<InspectionDemo>();
        // Latency is measured on the real clock (the service's own clock may be a test's fake one).
        services.AddSingleton(new ProbeTiming(TimeProvider.System));
        services.AddHttpClient<InspectionProbes>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(p => InspectionProbes.Handler(p.GetRequiredService<InspectionTargets>()))
            .AddResilienceHandler("inspection-probes", (pipeline, context) =>
            {
                // One attempt, reported as is: a retry would hide the outage the probe is there to see. Each item's own
                // timeout cancels the request; this only bounds the worst case.
                pipeline.TimeProvider = TimeProvider.System;
                pipeline.AddTimeout(TimeSpan.FromSeconds(70));
            });
        services.AddHostedService<InspectionSchedulerService>();
        return services;
    }
}

/// <summary>Runs an inspection pass every <c>Inspections:SchedulerInterval</c> (default 30 s).</summary>
public sealed class InspectionSchedulerService(InspectionScheduler scheduler, InspectionOptions options, DatabaseState database, TimeProvider clock,
    IConfiguration configuration, ILogger<InspectionSchedulerService> logger) : PeriodicService(database, clock, logger)
{
    protected override bool Enabled => configuration.GetValue("Inspections:SchedulerEnabled", true);

    protected override TimeSpan Interval => options.SchedulerInterval;

    protected override Task RunOnceAsync(CancellationToken ct) => scheduler.RunPassAsync(ct);

    protected override Task ReleaseLeaseAsync(CancellationToken ct) => scheduler.ReleaseLeaseAsync(ct);
}
