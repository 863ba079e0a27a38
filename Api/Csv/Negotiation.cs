using Microsoft.Net.Http.Headers;

namespace Itsm.Api.Csv;

/// <summary>
/// Picks the representation of a resource that offers several (JSON, CSV, HTML) from the request's Accept header, as
/// RFC 9110 §12.5.1 says: the highest quality wins, a more specific range beats a wildcard, ties go to the order the
/// resource lists them (its default first); an absent or unparsable header means the default.
/// </summary>
public static class Negotiation
{
    /// <summary>The chosen media type among <paramref name="offered"/>, or null when the caller accepts none (406).</summary>
    public static string? Choose(HttpRequest request, params string[] offered)
    {
        var accept = request.Headers.Accept.ToString();
        if (string.IsNullOrWhiteSpace(accept) || !MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var ranges) || ranges.Count == 0)
            return offered[0];
        string? best = null;
        double bestQuality = 0;
        foreach (var type in offered)
        {
            var offeredType = new MediaTypeHeaderValue(type);
            // The most specific range that matches decides the quality of this type.
            MediaTypeHeaderValue? match = null;
            foreach (var range in ranges)
                if (offeredType.IsSubsetOf(WithoutUtf8(range)) && (match is null || Specificity(range) > Specificity(match))) match = range;
            var quality = match is null ? 0 : match.Quality ?? 1;
            if (quality > bestQuality) { best = type; bestQuality = quality; }
        }
        return best;
    }

    /// <summary>
    /// The range without a UTF-8 <c>charset</c> parameter (quoted or not, any case): every representation offered is UTF-8,
    /// so <c>text/html; charset=utf-8</c> asks for what is served. Another charset still matches nothing.
    /// </summary>
    private static MediaTypeHeaderValue WithoutUtf8(MediaTypeHeaderValue range)
    {
        if (range.Charset.Value is not { } charset || !charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)) return range;
        var copy = range.Copy();
        copy.Charset = null;
        return copy;
    }

    private static int Specificity(MediaTypeHeaderValue range) =>
        range.MatchesAllTypes ? 0 : range.MatchesAllSubTypes ? 1 : 2 + range.Parameters.Count;

    /// <summary>406 problem naming what the resource offers.</summary>
    public static IResult NotAcceptable(params string[] offered) =>
        Problems.ProblemResults.Problem(StatusCodes.Status406NotAcceptable, "not-acceptable", "Not acceptable",
            $"This resource is offered as {string.Join(", ", offered)}; the Accept header names none of them.",
            new Dictionary<string, object?> { ["supported"] = offered });
}
