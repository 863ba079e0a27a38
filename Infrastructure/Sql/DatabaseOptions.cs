namespace Itsm.Infrastructure.Sql;

public enum DatabaseProvider { Sqlite }

/// <summary>Configuration section <c>Database</c>; the connection string is <c>ConnectionStrings:Itsm</c>.</summary>
public sealed class DatabaseOptions
{
    public const string DefaultConnectionString = "Data Source=data/itsm.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>Seeds the demo organisation and keys into an empty database. Defaults to true for the embedded database.</summary>
    public bool? SeedDemoData { get; set; }
}
