namespace Itsm.Infrastructure.Idempotency;

/// <summary>Every statement of the idempotency store; the same text serves both providers, except the purge's.</summary>
public static class IdempotencySql
{
    public const string Find = """
        SELECT RequestHash, ClaimToken, State, ResponseStatus, ResponseHeaders, ResponseBody, CreatedAt, ExpiresAt FROM IdempotencyKeys
        WHERE CallerId = @caller AND IdempotencyKey = @key
        """;
    public const string Insert = """
        INSERT INTO IdempotencyKeys (CallerId, IdempotencyKey, RequestHash, ClaimToken, State, CreatedAt, ExpiresAt)
        VALUES (@caller, @key, @hash, @token, 'InFlight', @now, @expires)
        """;
    public const string Reclaim = """
        UPDATE IdempotencyKeys SET RequestHash = @hash, ClaimToken = @token, State = 'InFlight', ResponseStatus = NULL, ResponseHeaders = NULL,
            ResponseBody = NULL, CreatedAt = @now, ExpiresAt = @expires
        WHERE CallerId = @caller AND IdempotencyKey = @key AND ClaimToken = @seenToken
        """;
    public const string Complete = """
        UPDATE IdempotencyKeys SET State = 'Done', ResponseStatus = @status, ResponseHeaders = @headers, ResponseBody = @body
        WHERE CallerId = @caller AND IdempotencyKey = @key AND ClaimToken = @token
        """;
    public const string Release =
        "DELETE FROM IdempotencyKeys WHERE CallerId = @caller AND IdempotencyKey = @key AND State = 'InFlight' AND ClaimToken = @token";
    /// <summary>
    /// Deletes up to @batch expired keys, the longest expired first: a backlog goes in short units of work, each holding
    /// only its own rows' pages (on SQLite the writer keeps a unit's savepoint journal in memory).
    /// </summary>
    public static string PurgeBatch(Sql.DatabaseProvider provider) => provider == Sql.DatabaseProvider.Sqlite
        ? "DELETE FROM IdempotencyKeys WHERE rowid IN (SELECT rowid FROM IdempotencyKeys WHERE ExpiresAt < @now ORDER BY ExpiresAt LIMIT @batch)"
        : "DELETE TOP (@batch) FROM IdempotencyKeys WHERE ExpiresAt < @now";

    public static IEnumerable<string> All() => [Find, Insert, Reclaim, Complete, Release, PurgeBatch(Sql.DatabaseProvider.SqlServer)];
}
