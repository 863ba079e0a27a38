using System.Globalization;
using Itsm.Api.Problems;
using Itsm.Domain.Tickets;
using Microsoft.Net.Http.Headers;

namespace Itsm.Api.Tickets;

/// <summary>The ticket's version as a strong ETag (<c>"7"</c>); changes must send it back in <c>If-Match</c>.</summary>
public static class Concurrency
{
    public static string ETagOf(Ticket ticket) => $"\"{ticket.Version}\"";

    public static void SetETag(this HttpResponse response, Ticket ticket) => response.Headers.ETag = ETagOf(ticket);

    /// <summary>The version the caller expects, or the problem: 428 when If-Match is missing, 400 when it is not one ETag of ours.</summary>
    public static (int? Version, IResult? Problem) ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
            return (null, ProblemResults.Problem(428, "if-match-required", "If-Match required",
                "Send the ticket's current ETag in If-Match so that concurrent changes are not lost (GET the ticket to learn it)."));
        if (EntityTagHeaderValue.TryParse(header.Trim(), out var tag) && !tag.IsWeak && tag.Tag.Length > 2
            && int.TryParse(tag.Tag.AsSpan(1, tag.Tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            return (version, null);
        return (null, ProblemResults.BadRequest("malformed-if-match", "Malformed If-Match",
            $"If-Match must be one strong ETag as returned by this API, e.g. \"3\"; got {header}."));
    }

    public static IResult Stale(HttpResponse response, Ticket current)
    {
        response.SetETag(current);
        return ProblemResults.Problem(412, "stale-etag", "The ticket has changed",
            $"The ticket is now at version {current.Version} ({ETagOf(current)}); GET it, review the change and retry with the new ETag.",
            new Dictionary<string, object?> { ["currentETag"] = ETagOf(current) });
    }
}
