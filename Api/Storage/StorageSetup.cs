using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.Storage;

public static class StorageSetup
{
    public static IServiceCollection AddItsmStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        options.ConnectionString = configuration.GetConnectionString("Itsm") ?? DatabaseOptions.DefaultConnectionString;
        services.AddSingleton(options);
        services.AddSingleton<Database>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<DemoData>();
        services.AddSingleton<OrganisationStore>();
        services.AddSingleton<TicketStore>();
        return services;
    }

    /// <summary>Applies pending migrations, then seeds the demo organisation into an empty embedded database.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<Migrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
        var options = app.Services.GetRequiredService<DatabaseOptions>();
        if (options.SeedDemoData ?? options.Provider == DatabaseProvider.Sqlite)
            await app.Services.GetRequiredService<DemoData>().SeedIfEmptyAsync(app.Lifetime.ApplicationStopping);
    }
}
