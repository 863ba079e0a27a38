using System.Globalization;
using Itsm.Api.Problems;
using Itsm.Domain.Tickets;
using Microsoft.Net.Http.Headers;

namespace Itsm.Api.Tickets;

/// <summary>
/// An If-Match condition (RFC 9110 §13.1.1): <c>*</c> matches any current ticket, a list matches when one of its strong
/// tags is the ticket's; weak tags never match (strong comparison).
/// </summary>
public sealed record IfMatch(bool Any, IReadOnlySet<int> Versions)
{
    public bool Matches(int version) => Any || Versions.Contains(version);
}

/// <summary>The ticket's version as a strong ETag (<c>"7"</c>); changes must send it back in <c>If-Match</c>.</summary>
public static class Concurrency
{
    public static string ETagOf(Ticket ticket) => $"\"{ticket.Version}\"";

    public static void SetETag(this HttpResponse response, Ticket ticket) => response.Headers.ETag = ETagOf(ticket);

    /// <summary>
    /// The caller's condition, or the problem: 428 when If-Match is missing, 400 when it cannot be parsed. A well-formed
    /// tag that is not one of ours (weak, or not a version) is kept as one that never matches: 412 once compared.
    /// </summary>
    public static (IfMatch? Condition, IResult? Problem) ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch;
        if (string.IsNullOrWhiteSpace(header.ToString()))
            return (null, ProblemResults.Problem(428, "if-match-required", "If-Match required",
                "Send the ticket's current ETag in If-Match so that concurrent changes are not lost (GET the ticket to learn it)."));
        if (!EntityTagHeaderValue.TryParseStrictList(header.ToArray()!, out var tags) || tags.Count == 0
            || (tags.Any(t => t.Equals(EntityTagHeaderValue.Any)) && tags.Count > 1))
            return (null, ProblemResults.BadRequest("malformed-if-match", "Malformed If-Match",
                $"If-Match must be * or a list of entity tags such as \"3\" (RFC 9110 §13.1.1); got {header}."));
        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any))) return (new IfMatch(true, new HashSet<int>()), null);
        var versions = tags.Where(t => !t.IsWeak)
            .Select(t => int.TryParse(t.Tag.AsSpan(1, t.Tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null)
            .OfType<int>().ToHashSet();
        return (new IfMatch(false, versions), null);
    }

    public static IResult Stale(HttpResponse response, Ticket current)
    {
        response.SetETag(current);
        return ProblemResults.Problem(412, "stale-etag", "The ticket has changed",
            $"The ticket is now at version {current.Version} ({ETagOf(current)}); GET it, review the change and retry with the new ETag.",
            new Dictionary<string, object?> { ["currentETag"] = ETagOf(current) });
    }
}
