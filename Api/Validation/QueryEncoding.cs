using System.Text;
using Itsm.Api.Problems;

namespace Itsm.Api.Validation;

/// <summary>
/// Query strings must be UTF-8 once percent-decoded. ASP.NET Core leaves an escape it cannot decode (<c>%FF</c>, a lone
/// surrogate <c>%ED%A0%80</c>) as its literal text, so without this check <c>q=%FF</c> would search for the letters "ff".
/// </summary>
public static class QueryEncoding
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IApplicationBuilder UseUtf8Queries(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var query = context.Request.QueryString.Value;
        if (query is not null && query.Contains('%'))
            foreach (var pair in query.TrimStart('?').Split('&'))
            {
                var equals = pair.IndexOf('=');
                var (name, value) = equals < 0 ? (pair, "") : (pair[..equals], pair[(equals + 1)..]);
                if (IsUtf8(name) && IsUtf8(value)) continue;
                var shown = IsUtf8(name) ? Uri.UnescapeDataString(name.Replace('+', ' ')) : "query";
                await ProblemResults.Invalid(shown, $"The query parameter '{shown}' is not valid UTF-8 once percent-decoded.").ExecuteAsync(context);
                return;
            }
        await next(context);
    });

    /// <summary>Whether the percent-escapes of <paramref name="part"/> decode to well-formed UTF-8 (no stray bytes, no surrogates).</summary>
    public static bool IsUtf8(string part)
    {
        if (!part.Contains('%')) return true;
        var bytes = new List<byte>(part.Length);
        for (var i = 0; i < part.Length; i++)
        {
            if (part[i] == '%' && i + 2 < part.Length && Uri.IsHexDigit(part[i + 1]) && Uri.IsHexDigit(part[i + 2]))
            {
                bytes.Add(Convert.ToByte(part.Substring(i + 1, 2), 16));
                i += 2;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(part[i].ToString()));
        }
        try
        {
            Strict.GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
