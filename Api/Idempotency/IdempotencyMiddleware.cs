using System.Security.Cryptography;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Infrastructure.Idempotency;
using Itsm.Infrastructure.Sql;

namespace Itsm.Api.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on any POST (IETF httpapi draft): per caller, a retry of the same request gets the stored
/// status and body with <c>Idempotent-Replayed: true</c>; the same key with another request is 422; the same key still
/// in flight is 409. Keys are kept 24 hours. Server failures (5xx) are not stored, so a retry runs again, except when a
/// commit's outcome is unknown: then the key stays claimed until it is taken for abandoned (10 minutes).
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";
    private static readonly string[] ReplayedHeaders = ["Location", "ETag", "Content-Type"];

    public async Task InvokeAsync(HttpContext context, IdempotencyStore store, TimeProvider clock)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Headers.TryGetValue(Header, out var values)
            || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }
        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > 255 || key.Any(c => c is < '!' or > '~'))
        {
            await ProblemResults.Write(context, 400, "malformed-idempotency-key", "Malformed Idempotency-Key",
                "Idempotency-Key is one header of 1–255 printable ASCII characters without spaces, e.g. a UUID.");
            return;
        }

        var caller = context.User.Actor().UserId;
        var hash = await FingerprintAsync(context.Request);
        var (outcome, stored, claim) = await store.ClaimAsync(caller, key, hash, clock.GetUtcNow(), context.RequestAborted);
        switch (outcome)
        {
            case ClaimOutcome.DifferentRequest:
                await ProblemResults.Write(context, 422, "idempotency-key-reused", "Idempotency-Key reused",
                    "This Idempotency-Key was used for a different request; use a new key for a new request.");
                return;
            case ClaimOutcome.InFlight:
                context.Response.Headers.RetryAfter = "1";
                await ProblemResults.Write(context, 409, "idempotency-key-in-flight", "Request in progress",
                    "A request with this Idempotency-Key is still being processed; retry shortly to get its result.");
                return;
            case ClaimOutcome.Replay:
                context.Response.StatusCode = stored!.Status;
                foreach (var (name, value) in stored.Headers) context.Response.Headers[name] = value;
                context.Response.Headers["Idempotent-Replayed"] = "true";
                await context.Response.Body.WriteAsync(stored.Body, context.RequestAborted);
                return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        catch (DatabaseUnavailableException e) when (e.InnerException is CommitOutcomeUnknownException)
        {
            // The change may have been saved: the key stays claimed (409 to a retry) rather than let a retry do it twice.
            throw;
        }
        catch
        {
            await store.ReleaseAsync(claim!, CancellationToken.None);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }
        var body = buffer.ToArray();
        try
        {
            if (context.Response.StatusCode >= 500) await store.ReleaseAsync(claim!, CancellationToken.None);
            else
            {
                var headers = ReplayedHeaders.Where(h => context.Response.Headers.ContainsKey(h))
                    .ToDictionary(h => h, h => context.Response.Headers[h].ToString());
                await store.CompleteAsync(claim!, new StoredResponse(context.Response.StatusCode, headers, body), CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The request itself is done: its caller gets its answer; a retry finds the key claimed until it is abandoned.
            context.RequestServices.GetRequiredService<ILogger<IdempotencyMiddleware>>()
                .LogWarning(e, "Could not store the outcome for Idempotency-Key {Key}", key);
        }
        await original.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>The request's identity: method, path, query and body.</summary>
    private static async Task<string> FingerprintAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0) sha.AppendData(chunk, 0, read);
        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
