namespace Itsm.Api.ServiceLevels;

public static class SlaSetup
{
    public static IServiceCollection AddServiceLevels(this IServiceCollection services) =>
        services.AddHostedService<SlaSchedulerService>();
}
