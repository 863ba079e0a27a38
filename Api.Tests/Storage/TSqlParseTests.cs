using Itsm.Api.Tests.Setup;
using System.Text.RegularExpressions;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Itsm.Api.Tests.Storage;

/// <summary>
/// SQL Server cannot run here, so every T-SQL statement the service can send, and every migration batch, must at
/// least parse with SQL Server 2022's own parser.
/// </summary>
[TestFixture]
public sealed partial class TSqlParseTests
{
    public static IEnumerable<TestCaseData> Migrations() =>
        Migrator.Scripts(SqlDialect.SqlServer).SelectMany(script => Migrator.Batches(script.Sql)
            .Select((batch, i) => new TestCaseData(batch).SetName($"migration {script.Name} batch {i + 1}")));

    public static IEnumerable<TestCaseData> Statements()
    {
        var dialect = SqlDialect.SqlServer;
        var statements = new TicketSql(dialect).All()
            .Concat(OrganisationSql.All())
            .Concat(DepartmentSql.All())
            .Concat(Itsm.Infrastructure.Idempotency.IdempotencySql.All())
            .Concat(new Itsm.Infrastructure.Sla.SlaSql(dialect).All())
            .Concat(new Itsm.Infrastructure.Outbox.OutboxSql(dialect).All())
            .Concat(new Itsm.Infrastructure.Hq.HqSql(dialect).All())
            .Concat(Itsm.Infrastructure.Hosting.LeaseSql.Statements())
            .Concat(new Itsm.Infrastructure.Retention.RetentionSql(dialect).All())
            .Concat(new Itsm.Infrastructure.Inspections.InspectionSql(dialect).All())
            .Concat(new Itsm.Infrastructure.Search.SearchSql(dialect).All())
            .Concat(new Itsm.Infrastructure.Attachments.AttachmentSql(dialect).All())
            .Concat(new Itsm.Infrastructure.Email.EmailSql(dialect).All())
            .Concat(new TicketWorkSql(dialect).All())
            .Concat(new Itsm.Infrastructure.Accounts.AccountSql(dialect).All())
            .Concat(new Itsm.Infrastructure.Configuration.ConfigurationSql(dialect).All())
            .Concat(new Itsm.Infrastructure.Reports.ReportSql(dialect).All())
            .Concat(Itsm.Infrastructure.Reports.AssessmentSql.All())
            .Concat([Migrator.JournalSql, Migrator.JournalInsertSql, dialect.BeforeMigrations, dialect.CreateJournal, dialect.LockMigrations!, dialect.CreateDatabase!]);
        return statements.Distinct().Select((sql, i) => new TestCaseData(sql).SetName($"statement {i + 1:D3}: {OneLine(sql)}"));
    }

    [Test]
    public void SqlServer_HasMigrations() => Assert.That(Migrator.Scripts(SqlDialect.SqlServer), Is.Not.Empty);

    [Test]
    public void Providers_HaveTheSameMigrations() =>
        Assert.That(Migrator.Scripts(SqlDialect.SqlServer).Select(s => s.Name), Is.EqualTo(Migrator.Scripts(SqlDialect.Sqlite).Select(s => s.Name)));

    [TestCaseSource(nameof(Migrations))]
    public void Migration_ParsesAsTSql(string batch) => AssertParses(batch);

    [TestCaseSource(nameof(Statements))]
    public void Statement_ParsesAsTSql(string sql) => AssertParses(ExpandListParameters(sql));

    [Test]
    public void Parser_RejectsWhatSqlServerWouldReject()
    {
        var sqliteList = new TicketSql(SqlDialect.Sqlite).List(false, ListFilters.None, 25);
        new TSql160Parser(true).Parse(new StringReader(sqliteList), out var errors);

        Assert.That(errors, Is.Not.Empty, "SQLite's LIMIT is not T-SQL");
        Assert.That(SqlLiteral().IsMatch("var sql = \"SELECT Id FROM Tickets\";"), Is.True);
    }

    /// <summary>The catalogues above are complete only if no SQL is written anywhere else.</summary>
    [Test]
    public void Sql_IsWrittenOnlyInTheCatalogues()
    {
        var root = Repository.Root();
        var allowed = new[] { "Sql.cs", "SqlDialect.cs", "Migrator.cs" };
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "Infrastructure"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "Api"), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !allowed.Any(f.EndsWith))
            .Where(f => SqlLiteral().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(root, f))
            .ToList();

        Assert.That(offenders, Is.Empty, "SQL belongs in a *Sql.cs catalogue so that the T-SQL parse test sees it");
    }

    private static void AssertParses(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        parser.Parse(new StringReader(sql), out var errors);
        Assert.That(errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}"), Is.Empty, sql);
    }

    /// <summary>Dapper sends <c>IN @List</c> as <c>IN (@List1, @List2, …)</c>.</summary>
    private static string ExpandListParameters(string sql) => ListParameter().Replace(sql, m => $"IN (@{m.Groups[1].Value}1, @{m.Groups[1].Value}2)");

    private static string OneLine(string sql)
    {
        var line = Regex.Replace(sql, @"\s+", " ").Trim();
        return line.Length > 80 ? line[..80] + "…" : line;
    }


    [GeneratedRegex(@"IN @(\w+)")]
    private static partial Regex ListParameter();

    [GeneratedRegex("\"\"?\"?\\s*(SELECT|INSERT INTO|UPDATE \\w+ SET|DELETE FROM|MERGE)\\s", RegexOptions.IgnoreCase)]
    private static partial Regex SqlLiteral();
}
