using Itsm.Api.Hosting;
using Itsm.Infrastructure.Hq;
using Microsoft.Extensions.Options;
using Polly;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Webhooks;

namespace Itsm.Api.Webhooks;

public static class OutboxSetup
{
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OutboxOptions>(configuration.GetSection("Outbox"));
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<DeliveryHealth>();
        services.AddHttpClient<WebhookSender>(client => client.Timeout = configuration.GetValue("Webhooks:Timeout", TimeSpan.FromSeconds(10)))
            .ConfigurePrimaryHttpMessageHandler(() => WebhookTargets.Handler(configuration.GetValue("Webhooks:AllowInsecureTargets", false)));
        services.Configure<HqOptions>(configuration.GetSection("Hq"));
        services.AddSingleton<HqStore>();
        services.AddSingleton<EscalationEvents>();
        services.AddHttpClient<HqClient>((provider, http) =>
            {
                var hq = provider.GetRequiredService<IOptions<HqOptions>>().Value;
                if (hq.IsConfigured) HqClient.Configure(http, hq);
            })
            .AddResilienceHandler("hq", (pipeline, context) =>
            {
                var hq = context.ServiceProvider.GetRequiredService<IOptions<HqOptions>>().Value;
                // HTTP timeouts and delays run on real time, whatever clock the service's own logic is given.
                pipeline.TimeProvider = TimeProvider.System;
                pipeline.AddTimeout(hq.AttemptTimeout * (hq.Retries + 2));
                if (hq.Retries > 0)
                    pipeline.AddRetry(new Microsoft.Extensions.Http.Resilience.HttpRetryStrategyOptions
                    {
                        // HQ honours Idempotency-Key, so repeating the POST is safe.
                        MaxRetryAttempts = hq.Retries,
                        Delay = hq.RetryDelay,
                        BackoffType = Polly.DelayBackoffType.Exponential,
                        UseJitter = true,
                        ShouldRetryAfterHeader = true,
                    });
                pipeline.AddCircuitBreaker(new Microsoft.Extensions.Http.Resilience.HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = hq.BreakerFailureRatio,
                    MinimumThroughput = hq.BreakerMinimumThroughput,
                    SamplingDuration = hq.BreakerSamplingDuration,
                    BreakDuration = hq.BreakerDuration,
                });
                pipeline.AddTimeout(hq.AttemptTimeout);
            });
        services.AddHostedService<OutboxDispatcherService>();
        return services;
    }
}

/// <summary>Runs a dispatch pass every <c>Outbox:Interval</c> (default 1 s).</summary>
public sealed class OutboxDispatcherService(OutboxDispatcher dispatcher, DatabaseState database, TimeProvider clock, IConfiguration configuration,
    ILogger<OutboxDispatcherService> logger) : PeriodicService(database, clock, logger)
{
    protected override bool Enabled => configuration.GetValue("Outbox:Enabled", true);

    protected override TimeSpan Interval => configuration.GetValue("Outbox:Interval", TimeSpan.FromSeconds(1));

    protected override Task RunOnceAsync(CancellationToken ct) => dispatcher.RunPassAsync(ct);

    protected override Task ReleaseLeaseAsync(CancellationToken ct) => dispatcher.ReleaseLeaseAsync(ct);
}
