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
        services.AddHttpClient<WebhookSender>(client => client.Timeout = configuration.GetValue("Webhooks:Timeout", TimeSpan.FromSeconds(10)))
            .ConfigurePrimaryHttpMessageHandler(() => WebhookTargets.Handler(configuration.GetValue("Webhooks:AllowInsecureTargets", false)));
        services.Configure<HqOptions>(configuration.GetSection("Hq"));
        services.AddSingleton<HqStore>();
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

/// <summary>Runs a dispatch pass every <c>Outbox:Interval</c> (default 1 s) once the database is ready; stops with the host.</summary>
public sealed class OutboxDispatcherService(OutboxDispatcher dispatcher, DatabaseState database, TimeProvider clock, IConfiguration configuration,
    ILogger<OutboxDispatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Outbox:Enabled", true)) return;
        using var timer = new PeriodicTimer(configuration.GetValue("Outbox:Interval", TimeSpan.FromSeconds(1)), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!database.IsPrepared) continue;
                try { await dispatcher.RunPassAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException) { logger.LogWarning(e, "Outbox pass failed; the next pass resumes"); }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
