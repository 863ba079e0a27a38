using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Itsm.Api.Browser;

/// <summary>A page of a keyset-paged list: <see cref="NextCursor"/> is null on the last page.</summary>
public interface ICursorPage
{
    string? NextCursor { get; }
}

/// <summary>
/// Beside a page's <c>nextCursor</c>, an RFC 8288 <c>Link: &lt;…&gt;; rel="next"</c> header: the same request with
/// <c>cursor</c> set to it and every other query parameter kept, so a client can follow pages without building URLs.
/// The target is relative to the request (RFC 8288 §3.1), which stays right behind a proxy that rewrites the host.
/// </summary>
public static class NextPageLink
{
    public static TBuilder LinkNextPages<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var page = result as ICursorPage ?? (result as IValueHttpResult)?.Value as ICursorPage;
            if (page?.NextCursor is { } cursor)
            {
                var http = context.HttpContext;
                http.Response.Headers.Append(HeaderNames.Link, $"<{Next(http.Request, cursor)}>; rel=\"next\"");
            }
            return result;
        });

    public static string Next(HttpRequest request, string cursor)
    {
        var query = new QueryBuilder(QueryHelpers.ParseQuery(request.QueryString.Value)
            .Where(p => !p.Key.Equals("cursor", StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))))
        {
            { "cursor", cursor },
        };
        return $"{request.PathBase}{request.Path}{query}";
    }
}
