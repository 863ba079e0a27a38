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
    /// <summary>Hosts the dispatcher; its logic, the stores and the typed clients come from <c>AddItsmInfrastructure</c>.</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services) => services.AddHostedService<OutboxDispatcherService>();
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
