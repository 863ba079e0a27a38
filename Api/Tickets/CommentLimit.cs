using Itsm.Api.Problems;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.Tickets;

/// <summary>
/// Comments per caller and ticket per minute (<c>Tickets:CommentsPerMinute</c>, default 10), counted from the stored
/// comments, so the limit holds across instances and follows the service's clock.
/// </summary>
public static class CommentLimit
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>A 429 problem with <c>Retry-After</c> when the caller has used up the minute; null otherwise.</summary>
    public static async Task<IResult?> ExceededAsync(long ticketId, string authorId, TicketStore store, TimeProvider clock, IConfiguration configuration,
        HttpResponse response, CancellationToken ct)
    {
        var perMinute = configuration.GetValue("Tickets:CommentsPerMinute", 10);
        var now = clock.GetUtcNow();
        var (count, oldest) = await store.RecentCommentsAsync(ticketId, authorId, now - Window, ct);
        if (count < perMinute) return null;
        var wait = Math.Max(1, (int)Math.Ceiling(((oldest ?? now) + Window - now).TotalSeconds));
        response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ProblemResults.Problem(429, "too-many-comments", "Too many comments",
            $"You added {count} comments to ticket {ticketId} within a minute, the most allowed; try again in {wait} s.");
    }
}
