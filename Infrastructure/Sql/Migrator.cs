using System.Data.Common;
using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Sql;

/// <summary>
/// Applies the versioned scripts under <c>Sql/&lt;Provider&gt;/</c> in name order, each in its own transaction
/// together with its journal row, so a failing script leaves the schema as it was.
/// </summary>
public sealed class Migrator(Database database, ILogger<Migrator> logger)
{
    public static IReadOnlyList<(string Name, string Sql)> Scripts(SqlDialect dialect)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Sql.{dialect.Name}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[prefix.Length..^4], Read(assembly, n)))
            .ToList();
    }

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        EnsureDirectory();
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS SchemaVersions (ScriptName TEXT NOT NULL PRIMARY KEY, AppliedAt TEXT NOT NULL);");
        }

        var applied = new List<string>();
        foreach (var (name, sql) in Scripts(database.Dialect))
        {
            var (connection, transaction) = await database.BeginAsync(cancellationToken);
            await using (connection)
            await using (transaction)
            {
                var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM SchemaVersions WHERE ScriptName = @name", new { name }, transaction, cancellationToken: cancellationToken));
                if (done > 0) continue;
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition(sql, null, transaction, cancellationToken: cancellationToken));
                    await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO SchemaVersions (ScriptName, AppliedAt) VALUES (@name, @at)",
                        new { name, at = DateTimeOffset.UtcNow }, transaction, cancellationToken: cancellationToken));
                    await transaction.CommitAsync(cancellationToken);
                }
                catch (DbException e)
                {
                    throw new InvalidOperationException($"Migration '{name}' failed and was rolled back: {e.Message}", e);
                }
            }
            logger.LogInformation("Applied migration {Script}", name);
            applied.Add(name);
        }
        return applied;
    }

    private void EnsureDirectory()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(database.DataSource));
        if (!string.IsNullOrEmpty(directory) && database.DataSource != ":memory:") Directory.CreateDirectory(directory);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
