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
        SqlMapper.AddTypeHandler(new UtcInstantHandler());
    }

    /// <summary>
    /// Instants are stored in UTC as fixed-width ISO 8601 text on SQLite, so they compare and sort as text.
    /// </summary>
    private sealed class UtcInstantHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            _ => throw new DataException($"Cannot read an instant from {value.GetType().Name}."),
        };
    }

    public static string ToStoredInstant(DateTimeOffset value) =>
        value.UtcDateTime.ToString(UtcInstantHandler.Format, CultureInfo.InvariantCulture);
}
