using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.Storage;

public static class StorageSetup
{
    public static IServiceCollection AddItsmStorage(this IServiceCollection services)
    {
        services.AddSingleton(provider => ReadOptions(provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton<Database>();
        services.AddSingleton<DatabaseState>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<DemoData>();
        services.AddSingleton<OrganisationStore>();
        services.AddSingleton<OrganisationAdmin>();
        services.AddSingleton<TicketStore>();
        services.AddSingleton<TicketChanges>();
        services.AddSingleton<SlaStore>();
        services.AddSingleton<Itsm.Infrastructure.Idempotency.IdempotencyStore>();
        services.AddSingleton<SlaEngine>();
        services.AddSingleton<SlaScheduler>();
        services.AddOptions<Itsm.Infrastructure.Hosting.LeaseOptions>().BindConfiguration("Leases");
        services.AddSingleton<Itsm.Infrastructure.Hosting.JobLeases>();
        services.AddHostedService<DatabasePreparation>();
        return services;
    }

    /// <summary>Until the database is reached and migrated, API calls get a 503 problem (health and documents still answer).</summary>
    public static IApplicationBuilder UseDatabaseGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var state = context.RequestServices.GetRequiredService<DatabaseState>();
        if (state.IsPrepared || !context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }
        context.Response.Headers.RetryAfter = "5";
        // The reason (with the provider's error text) is in the log; callers here are not authenticated yet.
        await Problems.ProblemResults.Write(context, StatusCodes.Status503ServiceUnavailable, "database-unavailable",
            "Database unavailable", "The database does not answer yet; nothing was changed. Try again shortly.");
    });

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
}
