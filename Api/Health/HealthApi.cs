using Itsm.Api.Problems;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Itsm.Api.Health;

public sealed record HealthResponse(string Status, string? Database = null);

/// <summary>
/// Liveness and readiness as ASP.NET Core health checks (<c>AddHealthChecks</c>): checks tagged <c>live</c> never
/// touch the database, those tagged <c>ready</c> do. The endpoints answer 200 or a 503 problem that carries no
/// database error text (callers are anonymous); the reason goes to the log.
/// </summary>
public static class HealthApi
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    public static IServiceCollection AddItsmHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy("The process answers."), tags: [LiveTag])
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Health").AllowAnonymous().DisableRateLimiting();
        health.MapGet("/live", Live).WithName("Live").WithSummary("The process is up (does not touch the database)")
            .Produces<HealthResponse>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        health.MapGet("/ready", Ready).WithName("Ready").WithSummary("The service can serve requests: the database answers, migrated")
            .Produces<HealthResponse>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<IResult> Live(HealthCheckService health, CancellationToken ct) =>
        (await health.CheckHealthAsync(c => c.Tags.Contains(LiveTag), ct)).Status == HealthStatus.Healthy
            ? TypedResults.Ok(new HealthResponse("live"))
            : ProblemResults.Problem(503, "not-live", "Not live", "The process cannot serve requests.");

    public static async Task<IResult> Ready(HealthCheckService health, Database database, CancellationToken ct) =>
        (await health.CheckHealthAsync(c => c.Tags.Contains(ReadyTag), ct)).Status == HealthStatus.Healthy
            ? TypedResults.Ok(new HealthResponse("ready", database.Options.Provider.ToString()))
            : ProblemResults.Problem(503, "not-ready", "Not ready",
                $"The database ({database.Options.Provider}) does not answer or is not prepared yet; the reason is in the service log.");
}

/// <summary>Readiness: the database was prepared (migrated) and answers a round trip within 5 seconds.</summary>
public sealed class DatabaseHealthCheck(Database database, DatabaseState state, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (state.NotReadyReason is { } reason)
        {
            logger.LogWarning("Not ready: {Reason}", reason);
            return HealthCheckResult.Unhealthy("The database has not been prepared.");
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await database.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Not ready: the database does not answer ({Provider})", database.Options.Provider);
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}
