using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.Storage;

public static class StorageSetup
{
    /// <summary>Start-up preparation of the database (migrations, demo data, reconnecting); the stores come from <c>AddItsmInfrastructure</c>.</summary>
    public static IServiceCollection AddItsmStorage(this IServiceCollection services) => services.AddHostedService<DatabasePreparation>();

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
}
