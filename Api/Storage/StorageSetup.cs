using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.Storage;

public static class StorageSetup
{
    public static IServiceCollection AddItsmStorage(this IServiceCollection services)
    {
        services.AddSingleton(provider => ReadOptions(provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton<Database>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<DemoData>();
        services.AddSingleton<OrganisationStore>();
        services.AddSingleton<TicketStore>();
        services.AddHostedService<DatabasePreparation>();
        return services;
    }

    /// <summary><c>Database</c> section plus <c>ConnectionStrings:Itsm</c>; a relative SQLite path is taken from the content root.</summary>
    private static DatabaseOptions ReadOptions(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        options.ConnectionString = configuration.GetConnectionString("Itsm") ?? DatabaseOptions.DefaultConnectionString;
        if (options.Provider == DatabaseProvider.Sqlite)
            options.ConnectionString = SqliteFile.RootedAt(options.ConnectionString, environment.ContentRootPath);
        return options;
    }
}

/// <summary>
/// Applies pending migrations and seeds the demo organisation into an empty embedded database before anything else
/// starts (the server included), so no request ever meets an unprepared schema. A failing migration stops start-up.
/// </summary>
public sealed class DatabasePreparation(Migrator migrator, DemoData demoData, DatabaseOptions options) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        if (options.SeedDemoData ?? options.Provider == DatabaseProvider.Sqlite)
            await demoData.SeedIfEmptyAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
