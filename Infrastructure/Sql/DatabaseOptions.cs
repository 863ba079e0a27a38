namespace Itsm.Infrastructure.Sql;

public enum DatabaseProvider { Sqlite, SqlServer }

/// <summary>Configuration section <c>Database</c>; the connection string is <c>ConnectionStrings:Itsm</c>.</summary>
public sealed class DatabaseOptions
{
    public const string DefaultConnectionString = "Data Source=data/itsm.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>
    /// Seeds the demo organisation and its well-known keys into an empty database. Unset: only in the Development
    /// environment on the embedded database (the keys are public, so never by accident in production).
    /// </summary>
    public bool? SeedDemoData { get; set; }

    /// <summary>Retries of a unit of work that failed on a transient fault (deadlock victim, failover, timeout…).</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay; it doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often start-up tries again to reach a database that does not answer.</summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>SQL Server: create the database named in the connection string when it does not exist (needs CREATE DATABASE permission).</summary>
    public bool CreateIfMissing { get; set; }

    public bool SeedsDemoData => SeedDemoData == true;
}
