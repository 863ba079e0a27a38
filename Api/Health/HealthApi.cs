using Dapper;
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
        health.MapGet("/ready", Ready).WithName("Ready").WithSummary("The service can serve requests: the database answers")
            .Produces<HealthResponse>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static HealthResponse Live() => new("live");

    public static async Task<IResult> Ready(Database database, CancellationToken ct)
    {
        try
        {
            await using var connection = await database.OpenAsync(ct);
            await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM SchemaVersions", cancellationToken: ct));
            return TypedResults.Ok(new HealthResponse("ready", "ok"));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException)
        {
            return ProblemResults.Problem(503, "not-ready", "Not ready", $"The database does not answer: {e.Message}");
        }
    }
}
