using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Itsm.Api.Tickets;

/// <summary>An opaque keyset cursor: the position after which the next page starts.</summary>
public static class Cursor
{
    /// <summary>Newest-first pages: the last id seen.</summary>
    private const string ById = "t1:";

    /// <summary>Changes oldest-first (<c>updatedSince</c>): the last change sequence seen.</summary>
    private const string ByChange = "c1:";

    /// <summary>Oldest-first pages (history, comments): the last id seen.</summary>
    private const string AfterId = "a1:";

    public static string Encode(long lastId) => Encode(ById, lastId);

    public static string EncodeAfter(long lastId) => Encode(AfterId, lastId);

    public static bool TryDecodeAfter(string cursor, out long lastId) => TryDecode(cursor, AfterId, out lastId);

    public static string EncodeChange(long lastSequence) => Encode(ByChange, lastSequence);

    public static bool TryDecode(string cursor, out long lastId) => TryDecode(cursor, ById, out lastId);

    public static bool TryDecodeChange(string cursor, out long lastSequence) => TryDecode(cursor, ByChange, out lastSequence);

    private static string Encode(string kind, long value) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(kind + value.ToString(CultureInfo.InvariantCulture)));

    private static bool TryDecode(string cursor, string kind, out long value)
    {
        value = 0;
        if (cursor.Length > 64 || !Base64Url.IsValid(cursor)) return false;
        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        return text.StartsWith(kind, StringComparison.Ordinal)
               && long.TryParse(text.AsSpan(kind.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value)
               && value > 0;
    }
}

/// <summary>The page size and keyset position of a newest-first list, or the problem with them.</summary>
public static class Paging
{
    public static (int Size, long? Before, IResult? Problem) Parse(int? limit, string? cursor)
    {
        if (limit is < 1 or > TicketsApi.MaxPageSize)
            return (0, null, Problems.ProblemResults.Invalid("limit", $"limit must be between 1 and {TicketsApi.MaxPageSize}."));
        if (cursor is null) return (limit ?? 25, null, null);
        return Cursor.TryDecode(cursor, out var last)
            ? (limit ?? 25, last, null)
            : (0, null, Problems.ProblemResults.Invalid("cursor", "cursor is not one this API returned."));
    }

    /// <summary>The page size and position of an oldest-first list (history, comments): <c>limit</c> 1–200, default 100.</summary>
    public static (int Size, long After, IResult? Problem) ParseOldestFirst(int? limit, string? cursor)
    {
        if (limit is < 1 or > TicketsApi.MaxPageSize)
            return (0, 0, Problems.ProblemResults.Invalid("limit", $"limit must be between 1 and {TicketsApi.MaxPageSize}."));
        if (cursor is null) return (limit ?? 100, 0, null);
        return Cursor.TryDecodeAfter(cursor, out var last)
            ? (limit ?? 100, last, null)
            : (0, 0, Problems.ProblemResults.Invalid("cursor", "cursor is not one this API returned for this list."));
    }
}
