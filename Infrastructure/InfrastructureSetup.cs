using Itsm.Infrastructure.Email;
using Itsm.Infrastructure.Hosting;
using Itsm.Infrastructure.Hq;
using Itsm.Infrastructure.Idempotency;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Retention;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Telemetry;
using Itsm.Infrastructure.Tickets;
using Itsm.Infrastructure.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Itsm.Infrastructure;

/// <summary>The infrastructure layer's one composition root: the database, every store, the change path, the background
/// jobs' logic (hosted by the API) and the typed HTTP clients with their resilience pipelines.</summary>
public static class InfrastructureSetup
{
    public static IServiceCollection AddItsmInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(provider => ReadOptions(configuration, provider.GetRequiredService<IHostEnvironment>()));
        services.AddMetrics();
        services.AddSingleton<ItsmMetrics>();
        services.AddSingleton<Database>();
        services.AddSingleton<DatabaseState>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<DemoData>();
        services.AddSingleton<OrganisationStore>();
        services.AddSingleton<OrganisationAdmin>();
        services.AddSingleton<TicketStore>();
        services.AddSingleton<TicketChanges>();
        services.AddSingleton<WatcherStore>().AddSingleton<LinkStore>().AddSingleton<MajorIncidentChildren>();
        services.AddSingleton<SlaStore>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<SlaEngine>();
        services.AddSingleton<SlaScheduler>();
        services.AddOptions<LeaseOptions>().BindConfiguration("Leases");
        services.AddSingleton<JobLeases>();
        services.AddOptions<RetentionOptions>().BindConfiguration("Retention");
        services.AddSingleton<RetentionPurge>();

        services.Configure<OutboxOptions>(configuration.GetSection("Outbox"));
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<DeliveryHealth>();
        services.AddHttpClient<WebhookSender>(client => client.Timeout = configuration.GetValue("Webhooks:Timeout", TimeSpan.FromSeconds(10)))
            .ConfigurePrimaryHttpMessageHandler(() => WebhookTargets.Handler(configuration.GetValue("Webhooks:AllowInsecureTargets", false)));
        services.Configure<HqOptions>(configuration.GetSection("Hq"));
        services.AddSingleton<HqStore>();
        services.AddSingleton<EscalationEvents>();
        AddHqClient(services);
        services.AddOptions<SmtpOptions>().BindConfiguration("Smtp")
            .Validate(o => !o.IsConfigured || MimeKit.MailboxAddress.TryParse(o.From, out _), "Smtp:From is not an e-mail address.").ValidateOnStart();
        services.AddOptions<EmailOptions>().BindConfiguration("Email")
            .Validate(o => EmailLanguages.All.Contains(o.DefaultLanguage), "Email:DefaultLanguage is zh-CN or en.").ValidateOnStart();
        services.AddSingleton<EmailSettingsStore>();
        services.AddSingleton<EmailDispatcher>();
        return services;
    }

    /// <summary><c>Database</c> section plus <c>ConnectionStrings:Itsm</c>; a relative SQLite path is taken from the content root.
    /// Demo data only when asked (<c>Database:SeedDemoData</c>) or in Development on SQLite.</summary>
    private static DatabaseOptions ReadOptions(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        options.ConnectionString = configuration.GetConnectionString("Itsm") ?? DatabaseOptions.DefaultConnectionString;
        if (options.Provider == DatabaseProvider.Sqlite)
            options.ConnectionString = SqliteFile.RootedAt(options.ConnectionString, environment.ContentRootPath);
        options.SeedDemoData ??= environment.IsDevelopment() && options.Provider == DatabaseProvider.Sqlite;
        return options;
    }

    private static void AddHqClient(IServiceCollection services) =>
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
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        // HQ honours Idempotency-Key, so repeating the POST is safe.
                        MaxRetryAttempts = hq.Retries,
                        Delay = hq.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        ShouldRetryAfterHeader = true,
                    });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = hq.BreakerFailureRatio,
                    MinimumThroughput = hq.BreakerMinimumThroughput,
                    SamplingDuration = hq.BreakerSamplingDuration,
                    BreakDuration = hq.BreakerDuration,
                });
                pipeline.AddTimeout(hq.AttemptTimeout);
            });
}
