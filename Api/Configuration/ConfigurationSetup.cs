using Itsm.Infrastructure.Configuration;

namespace Itsm.Api.Configuration;

public static class ConfigurationSetup
{
    public static IServiceCollection AddConfigurationInventory(this IServiceCollection services) =>
        services.AddSingleton<ConfigurationStore>().AddSingleton<ConfigurationDemo>();
}
