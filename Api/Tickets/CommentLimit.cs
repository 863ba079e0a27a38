using Itsm.Api.Problems;
using Itsm.Infrastructure.Tickets;

namespace Itsm.Api.Tickets;

/// <summary>
/// Comments per caller and ticket per minute (<c>Tickets:CommentsPerMinute</c>, default 10), counted from the stored
/// comments in the same unit of work as the insert, so the limit holds under parallel requests, across instances, and
/// follows the service's clock.
/// </summary>
public static class CommentLimit
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static int PerMinute(IConfiguration configuration) => configuration.GetValue("Tickets:CommentsPerMinute", 10);

    /// <summary>The 429 problem with <c>Retry-After</c> for a comment refused by the limit.</summary>
    public static IResult Exceeded(long ticketId, CommentOutcome outcome, DateTimeOffset now, HttpResponse response)
    {
        var wait = Math.Max(1, (int)Math.Ceiling(((outcome.Oldest ?? now) + Window - now).TotalSeconds));
        response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ProblemResults.Problem(429, "too-many-comments", "Too many comments",
            $"You added {outcome.RecentCount} comments to ticket {ticketId} within a minute, the most allowed; try again in {wait} s.");
    }
}
