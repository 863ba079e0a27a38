using System.Text.Json;
using Dapper;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Idempotency;

public enum ClaimOutcome { Claimed, Replay, DifferentRequest, InFlight }

public sealed record StoredResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>A claim on a key: only its holder completes or releases it.</summary>
public sealed record KeyClaim(string Caller, string Key, string Token);

/// <summary>
/// Idempotency keys per caller: the first request with a key claims it, its response is stored, and a retry with the
/// same key and the same request gets that response again. Keys are kept for <see cref="Retention"/>.
/// </summary>
public sealed class IdempotencyStore(Database database)
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>
    /// A claim older than this is taken to belong to a request that never finished (the process stopped); it is far
    /// longer than any request can run, retries and queues included.
    /// </summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    public async Task<(ClaimOutcome Outcome, StoredResponse? Response, KeyClaim? Claim)> ClaimAsync(
        string caller, string key, string hash, DateTimeOffset now, CancellationToken ct)
    {
        var claim = new KeyClaim(caller, key, Guid.NewGuid().ToString("N"));
        try
        {
            return await database.WriteAsync<(ClaimOutcome, StoredResponse?, KeyClaim?)>(async (connection, transaction, token) =>
            {
                var args = new { caller, key, hash, now, expires = now + Retention, token = claim.Token };
                var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(IdempotencySql.Find, args, transaction, cancellationToken: token));
                if (row is null)
                {
                    await connection.ExecuteAsync(new CommandDefinition(IdempotencySql.Insert, args, transaction, cancellationToken: token));
                    return (ClaimOutcome.Claimed, null, claim);
                }
                var expired = row.ExpiresAt < now;
                var abandoned = row.State == "InFlight" && row.CreatedAt + AbandonedAfter < now;
                if (expired || abandoned)
                {
                    // Only if nobody reclaimed it since we read it.
                    var reclaimed = await connection.ExecuteAsync(new CommandDefinition(IdempotencySql.Reclaim,
                        new { caller, key, hash, now, expires = now + Retention, token = claim.Token, seenToken = row.ClaimToken }, transaction, cancellationToken: token));
                    return reclaimed == 1 ? (ClaimOutcome.Claimed, null, claim) : (ClaimOutcome.InFlight, null, null);
                }
                if (row.RequestHash != hash) return (ClaimOutcome.DifferentRequest, null, null);
                if (row.State == "InFlight") return (ClaimOutcome.InFlight, null, null);
                return (ClaimOutcome.Replay, new StoredResponse(row.ResponseStatus ?? 200,
                    JsonSerializer.Deserialize<Dictionary<string, string>>(row.ResponseHeaders ?? "{}")!, row.ResponseBody ?? []), null);
            }, ct);
        }
        catch (System.Data.Common.DbException e) when (database.Dialect.IsUniqueViolation(e))
        {
            // Another request inserted the same key between our read and our insert (SQL Server): it is in flight.
            // Any other fault is not a claim by someone else: it propagates (503 when the database is away).
            return (ClaimOutcome.InFlight, null, null);
        }
    }

    public Task CompleteAsync(KeyClaim claim, StoredResponse response, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(IdempotencySql.Complete, new
        {
            caller = claim.Caller, key = claim.Key, token = claim.Token, status = response.Status,
            headers = JsonSerializer.Serialize(response.Headers), body = response.Body,
        }, transaction, cancellationToken: token)), ct);

    /// <summary>Gives the key up when the request produced nothing worth replaying (a server-side failure).</summary>
    public Task ReleaseAsync(KeyClaim claim, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(IdempotencySql.Release,
            new { caller = claim.Caller, key = claim.Key, token = claim.Token }, transaction, cancellationToken: token)), ct);

    /// <summary>Deletes every key expired by <paramref name="now"/>, <paramref name="batch"/> at a time; how many went.</summary>
    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct, int batch = 5000) =>
        database.DeleteInBatchesAsync(IdempotencySql.PurgeBatch(database.Dialect.Provider), new { now, batch }, batch, ct);

    private sealed class Row
    {
        public string RequestHash { get; init; } = "";
        public string ClaimToken { get; init; } = "";
        public string State { get; init; } = "";
        public int? ResponseStatus { get; init; }
        public string? ResponseHeaders { get; init; }
        public byte[]? ResponseBody { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
    }
}
