using Itsm.Api.Problems;
using Microsoft.Net.Http.Headers;

namespace Itsm.Api.Validation;

/// <summary>
/// JSON bodies are UTF-8 (RFC 8259 §8.1). A <c>charset</c> parameter naming UTF-8 in any spelling (quoted, upper case) is
/// accepted and normalised before the JSON reader sees it; any other charset is a 415 problem.
/// </summary>
public static class JsonCharset
{
    public static IApplicationBuilder UseJsonCharset(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var contentType = context.Request.ContentType;
        if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var media) && IsJson(media) && media.Charset.HasValue)
        {
            var charset = HeaderUtilities.RemoveQuotes(media.Charset).ToString();
            if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                await ProblemResults.Problem(415, "unsupported-media-type", "Unsupported media type",
                    $"JSON bodies are UTF-8; charset '{charset}' is not supported. Send Content-Type: application/json (or charset=utf-8).")
                    .ExecuteAsync(context);
                return;
            }
            media.Charset = "utf-8";
            context.Request.ContentType = media.ToString();
        }
        await next(context);
    });

    private static bool IsJson(MediaTypeHeaderValue media) =>
        media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);
}
