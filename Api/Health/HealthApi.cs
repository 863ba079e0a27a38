using Itsm.Api.Problems;
using Itsm.Infrastructure.Sql;

namespace Itsm.Api.Health;

public sealed record HealthResponse(string Status, string? Database = null);

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        health.MapGet("/live", Live).WithName("Live").WithSummary("The process is up (does not touch the database)");
        health.MapGet("/ready", Ready).WithName("Ready").WithSummary("The service can serve requests: the database answers, migrated")
            .Produces<HealthResponse>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static HealthResponse Live() => new("live");

    public static async Task<IResult> Ready(Database database, DatabaseState state, CancellationToken ct)
    {
        if (state.NotReadyReason is { } reason) return NotReady(reason);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await database.PingAsync(timeout.Token);
            return TypedResults.Ok(new HealthResponse("ready", database.Options.Provider.ToString()));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return NotReady($"The database does not answer ({database.Options.Provider}): {e.Message}");
        }
    }

    private static IResult NotReady(string reason) =>
        ProblemResults.Problem(503, "not-ready", "Not ready", reason);
}
