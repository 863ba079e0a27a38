using Microsoft.Data.Sqlite;

namespace Itsm.Infrastructure.Sql;

public static class SqliteFile
{
    /// <summary>Makes a relative <c>Data Source</c> absolute under <paramref name="root"/>, so the file does not depend on the working directory.</summary>
    public static string RootedAt(string connectionString, string root)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is not (":memory:" or "") && !builder.DataSource.StartsWith("file:", StringComparison.Ordinal)
            && !Path.IsPathRooted(builder.DataSource))
            builder.DataSource = Path.GetFullPath(Path.Combine(root, builder.DataSource));
        return builder.ToString();
    }
}
