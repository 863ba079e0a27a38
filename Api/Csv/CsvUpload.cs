using Itsm.Api.Problems;
using Microsoft.Net.Http.Headers;

namespace Itsm.Api.Csv;

/// <summary>What an import accepts as its body: <c>text/csv</c> in UTF-8 (or unlabelled, or ASCII, which is UTF-8 too).</summary>
public static class CsvUpload
{
    private static readonly string[] Utf8Charsets = ["utf-8", "utf8", "us-ascii"];

    /// <summary>
    /// Null for a CSV body the import reads; else 415. A body labelled with another charset (UTF-16, GBK) would be read as
    /// UTF-8 and its text misread: it is refused before anything is read.
    /// </summary>
    public static IResult? Refusal(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var type)
            || !type.MediaType.Equals(CsvResult.MediaType, StringComparison.OrdinalIgnoreCase))
            return ProblemResults.Problem(415, "unsupported-media-type", "Unsupported media type",
                "An import is a text/csv body (UTF-8, with or without a byte order mark).");
        var charset = type.Charset.HasValue ? HeaderUtilities.RemoveQuotes(type.Charset).ToString().Trim() : null;
        return charset is null || Utf8Charsets.Contains(charset, StringComparer.OrdinalIgnoreCase) ? null
            : ProblemResults.Problem(415, "unsupported-media-type", "Unsupported media type",
                $"An import is UTF-8 text; charset '{charset}' is not read (save the file as CSV UTF-8).");
    }
}
