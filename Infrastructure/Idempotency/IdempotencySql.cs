namespace Itsm.Infrastructure.Idempotency;

/// <summary>Every statement of the idempotency store; the same text serves both providers.</summary>
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
    public const string Purge = "DELETE FROM IdempotencyKeys WHERE ExpiresAt < @now";

    public static IEnumerable<string> All() => [Find, Insert, Reclaim, Complete, Release, Purge];
}
