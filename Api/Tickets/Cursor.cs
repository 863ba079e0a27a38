using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Itsm.Api.Tickets;

/// <summary>An opaque keyset cursor: the position after which the next page starts.</summary>
public static class Cursor
{
    private const string Prefix = "t1:";

    public static string Encode(long lastId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + lastId.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecode(string cursor, out long lastId)
    {
        lastId = 0;
        if (cursor.Length > 64 || !Base64Url.IsValid(cursor)) return false;
        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        return text.StartsWith(Prefix, StringComparison.Ordinal)
               && long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out lastId)
               && lastId > 0;
    }
}
