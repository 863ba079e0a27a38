using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Sql;

/// <summary>A migration script failed; it was rolled back and the schema is as it was before it.</summary>
public sealed class MigrationFailedException(string script, Exception inner)
    : Exception($"Migration '{script}' failed and was rolled back; the schema is as it was before it. {inner.Message}", inner)
{
    public string Script { get; } = script;
}

/// <summary>
/// Applies the versioned scripts under <c>Sql/&lt;Provider&gt;/</c> in name order. Each script runs in its own
/// transaction together with its journal row (and, on SQL Server, an application lock), so a failing script
/// leaves the schema as it was and instances starting together apply each script exactly once.
/// </summary>
public sealed partial class Migrator(Database database, ILogger<Migrator> logger)
{
    public const string JournalSql = "SELECT ScriptName FROM SchemaVersions";
    public const string JournalInsertSql = "INSERT INTO SchemaVersions (ScriptName, AppliedAt) VALUES (@name, @at)";

    /// <summary>The scripts of a provider, in the order they apply.</summary>
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

    /// <summary>Splits a script into batches on lines that hold only <c>GO</c>.</summary>
    public static IReadOnlyList<string> Batches(string script) =>
        BatchSeparator().Split(script).Where(b => !string.IsNullOrWhiteSpace(b)).ToList();

    public Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default) => MigrateAsync(Scripts(database.Dialect), ct);

    /// <summary>Applies the given scripts (the provider's own, or a test's) that the journal does not list yet.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(IReadOnlyList<(string Name, string Sql)> scripts, CancellationToken ct)
    {
        EnsureSqliteDirectory();
        if (database.Options.CreateIfMissing) await database.CreateDatabaseIfMissingAsync(ct);
        await using (var connection = await database.OpenAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition(database.Dialect.BeforeMigrations, cancellationToken: ct));
        }

        var applied = new List<string>();
        foreach (var (name, sql) in scripts)
        {
            if (await ApplyAsync(name, sql, ct)) applied.Add(name);
        }
        return applied;
    }

    private async Task<bool> ApplyAsync(string name, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (database.Dialect.LockMigrations is { } lockSql) await Execute(lockSql);
        await Execute(database.Dialect.CreateJournal);
        var done = await connection.QueryAsync<string>(new CommandDefinition(JournalSql, null, transaction, cancellationToken: ct));
        if (done.Contains(name)) return false;
        try
        {
            foreach (var batch in Batches(sql)) await Execute(batch);
            await connection.ExecuteAsync(new CommandDefinition(JournalInsertSql, new { name, at = DateTimeOffset.UtcNow }, transaction, cancellationToken: ct));
            await transaction.CommitAsync(ct);
        }
        catch (DbException e)
        {
            throw new MigrationFailedException(name, e);
        }
        logger.LogInformation("Applied migration {Script}", name);
        return true;

        Task Execute(string text) => connection.ExecuteAsync(new CommandDefinition(text, null, transaction, cancellationToken: ct));
    }

    private void EnsureSqliteDirectory()
    {
        if (database.SqliteFile is not { Length: > 0 } file || file == ":memory:") return;
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^\s*GO\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex BatchSeparator();
}
