using Itsm.Infrastructure.Sql;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace Itsm.Api.Tests.Setup;

/// <summary>
/// Fresh, empty databases for tests. SQLite always; SQL Server when <c>ITSM_TEST_SQLSERVER</c> holds a connection
/// string (a login that may create databases), else through Testcontainers where a Docker engine answers, else the
/// test is reported as skipped with the reason.
/// </summary>
public static class TestDatabases
{
    public const string SqlServerVariable = "ITSM_TEST_SQLSERVER";

    /// <summary>Set to <c>SqlServer</c> (with ITSM_TEST_SQLSERVER or Docker) to run the HTTP suite on SQL Server too.</summary>
    public const string HttpProviderVariable = "ITSM_TEST_HTTP_PROVIDER";

    private static readonly Lazy<Task<(string? Server, string Reason)>> SqlServer = new(FindSqlServerAsync);
    private static MsSqlContainer? _container;

    public static DatabaseProvider HttpProvider =>
        Enum.TryParse<DatabaseProvider>(Environment.GetEnvironmentVariable(HttpProviderVariable), true, out var p) ? p : DatabaseProvider.Sqlite;

    /// <summary>A connection string to a new empty database of the provider (the test is skipped when SQL Server is not at hand).</summary>
    public static async Task<string> CreateAsync(DatabaseProvider provider, string directory)
    {
        if (provider == DatabaseProvider.Sqlite)
            return $"Data Source={Path.Combine(directory, "itsm.db")}";

        var (server, reason) = await SqlServer.Value;
        if (server is null) Assert.Ignore(reason);
        var name = "itsm_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var master = new SqlConnection(server))
        {
            await master.OpenAsync();
            await using var create = master.CreateCommand();
            create.CommandText = $"CREATE DATABASE [{name}]";
            await create.ExecuteNonQueryAsync();
        }
        return new SqlConnectionStringBuilder(server) { InitialCatalog = name }.ConnectionString;
    }

    public static async Task DropAsync(DatabaseProvider provider, string connectionString)
    {
        if (provider != DatabaseProvider.SqlServer) return;
        var builder = new SqlConnectionStringBuilder(connectionString);
        var name = builder.InitialCatalog;
        builder.InitialCatalog = "master";
        SqlConnection.ClearAllPools();
        await using var master = new SqlConnection(builder.ConnectionString);
        await master.OpenAsync();
        await using var drop = master.CreateCommand();
        drop.CommandText = $"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]";
        await drop.ExecuteNonQueryAsync();
    }

    public static async Task StopContainerAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
    }

    private static async Task<(string?, string)> FindSqlServerAsync()
    {
        if (Environment.GetEnvironmentVariable(SqlServerVariable) is { Length: > 0 } configured)
            return (configured, "");
        try
        {
            _container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
            await _container.StartAsync();
            return (_container.GetConnectionString(), "");
        }
        catch (Exception e)
        {
            return (null, $"SQL Server not available: set {SqlServerVariable} to a connection string, or run where a Docker engine answers " +
                          $"for Testcontainers ({e.GetType().Name}: {e.Message.Split('\n')[0]})");
        }
    }
}
