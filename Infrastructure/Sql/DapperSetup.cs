using System.Data;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Itsm.Infrastructure.Sql;

internal static class DapperSetup
{
    private static int _configured;

    public static void EnsureConfigured()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1) return;
        SqlMapper.AddTypeHandler(new UtcInstantHandler());
    }

    /// <summary>An instant as SQLite stores it (for writers that bind parameters themselves, e.g. the bulk seed).</summary>
    internal static string SqliteInstant(DateTimeOffset value) => value.UtcDateTime.ToString(UtcInstantHandler.Format, CultureInfo.InvariantCulture);

    /// <summary>
    /// Instants are stored in UTC: as <c>datetimeoffset</c> on SQL Server, and on SQLite as fixed-width ISO 8601 text,
    /// so that they compare and sort as text.
    /// </summary>
    private sealed class UtcInstantHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        internal const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            if (parameter is SqliteParameter)
            {
                parameter.DbType = DbType.String;
                parameter.Value = SqliteInstant(value);
            }
            else
            {
                parameter.DbType = DbType.DateTimeOffset;
                parameter.Value = value.ToUniversalTime();
            }
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            string s when DateTime.TryParseExact(s, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc)
                => new DateTimeOffset(utc, TimeSpan.Zero),
            string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            _ => throw new DataException($"Cannot read an instant from {value.GetType().Name}."),
        };
    }
}
