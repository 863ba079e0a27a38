using System.Data;
using System.Globalization;
using Dapper;

namespace Itsm.Infrastructure.Sql;

internal static class DapperSetup
{
    private static int _configured;

    public static void EnsureConfigured()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1) return;
        // Dapper binds the types it knows itself and asks a handler only for the others: without this, an instant a caller
        // sent with its offset (+08:00) would be stored with it, and SQLite, which compares instants as text, would misorder it.
        // (Only the non-nullable entry goes: Dapper reads a nullable instant through its own entry, and binds one through
        // the handler of the underlying type.)
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.AddTypeHandler(new UtcInstantHandler());
    }

    /// <summary>
    /// An instant as every writer binds it, whoever supplied it: in UTC (Dapper's handler below and the writer's kept
    /// statements). SQLite compares instants as text, which sorts as the instants do only at one offset.
    /// </summary>
    internal static DateTimeOffset BoundInstant(DateTimeOffset value) => value.ToUniversalTime();

    /// <summary>
    /// An instant as SQLite stores it: the bound instant in the text Microsoft.Data.Sqlite writes for it (for writers that
    /// bind parameters themselves, e.g. the bulk seed).
    /// </summary>
    /// <remarks>
    /// Written digit by digit: the writer binds a dozen instants per ticket, and the custom format string
    /// (<c>yyyy-MM-dd HH:mm:ss.FFFFFFFzzz</c>, its fraction without trailing zeros and without the point when it is zero)
    /// cost about 2 % of the writer's time.
    /// </remarks>
    internal static string SqliteInstant(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var (fraction, digits) = ((int)(utc.Ticks % TimeSpan.TicksPerSecond), 7);
        while (digits > 0 && fraction % 10 == 0) (fraction, digits) = (fraction / 10, digits - 1);
        return string.Create(19 + (digits > 0 ? digits + 1 : 0) + 6, (utc, fraction, digits), static (text, state) =>
        {
            var (t, fraction, digits) = state;
            Digits(text[..4], t.Year);
            text[4] = '-';
            Digits(text.Slice(5, 2), t.Month);
            text[7] = '-';
            Digits(text.Slice(8, 2), t.Day);
            text[10] = ' ';
            Digits(text.Slice(11, 2), t.Hour);
            text[13] = ':';
            Digits(text.Slice(14, 2), t.Minute);
            text[16] = ':';
            Digits(text.Slice(17, 2), t.Second);
            if (digits > 0)
            {
                text[19] = '.';
                Digits(text.Slice(20, digits), fraction);
            }
            "+00:00".CopyTo(text[^6..]);
        });

        static void Digits(Span<char> into, int value)
        {
            for (var i = into.Length - 1; i >= 0; i--, value /= 10) into[i] = (char)('0' + value % 10);
        }
    }

    /// <summary>
    /// Every instant is bound in UTC, whoever supplied it: as <c>datetimeoffset</c> on SQL Server, and on SQLite as the text
    /// the provider writes for a <c>DateTimeOffset</c> (<c>2026-11-20 01:00:00+00:00</c>), which at one offset sorts as the
    /// instants do.
    /// </summary>
    private sealed class UtcInstantHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        /// <summary>How the SQLite provider writes a <c>DateTimeOffset</c>: read exactly first, as nearly every stored instant is.</summary>
        internal const string Stored = "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz";

        /// <summary>The sentinel the first migrations wrote for a lease never held.</summary>
        private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.DateTimeOffset;
            parameter.Value = BoundInstant(value);
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            string s when DateTimeOffset.TryParseExact(s, Stored, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var stored)
                => stored,
            string s when DateTime.TryParseExact(s, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc)
                => new DateTimeOffset(utc, TimeSpan.Zero),
            string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            _ => throw new DataException($"Cannot read an instant from {value.GetType().Name}."),
        };
    }
}
