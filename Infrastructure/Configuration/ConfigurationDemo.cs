using Dapper;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Configuration;

/// <summary>
/// A dozen settings of ERP for Jiangsu (unit JS) to try the configuration inventory with, in Production and Test, some
/// with an earlier value. Seeded with the demo organisation only.
/// </summary>
public sealed class ConfigurationDemo(Database database, TimeProvider clock, ILogger<ConfigurationDemo> logger)
{
    /// <summary>(key, environment, description, values oldest first)</summary>
    private static readonly (string Key, string Environment, string Description, string[] Values)[] Items =
    [
        ("posting.period.open", "Production", "The open posting period (year-month)", ["2026-10", "2026-11"]),
        ("posting.period.open", "Test", "The open posting period (year-month)", ["2026-11"]),
        ("invoice.tolerance.amount", "Production", "Largest price difference an invoice may have against its order (CNY)", ["50.00", "100.00"]),
        ("invoice.tolerance.percent", "Production", "Largest price difference an invoice may have against its order (%)", ["5"]),
        ("payment.run.time", "Production", "When the daily payment run starts (Beijing time)", ["18:00"]),
        ("payment.approval.threshold", "Production", "Payments above this amount need a second approver (CNY)", ["500000", "200000"]),
        ("vendor.bank.change.hold-days", "Production", "Days a vendor's new bank account is held before payments use it", ["3"]),
        ("asset.depreciation.method", "Production", "Default depreciation method for new assets", ["StraightLine"]),
        ("report.tax.region", "Production", "Tax authority region on VAT reports", ["江苏省南京市"]),
        ("mrp.run.schedule", "Production", "Material requirements planning run", ["daily 02:00"]),
        ("interface.esb.timeout-seconds", "Production", "Timeout of calls to the integration platform", ["30", "60"]),
        ("interface.esb.timeout-seconds", "Test", "Timeout of calls to the integration platform", ["120"]),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        var sql = new ConfigurationSql(database.Dialect);
        var now = clock.GetUtcNow();
        await database.WriteAsync(async (connection, transaction, token) =>
        {
            foreach (var (key, environment, description, values) in Items)
            {
                // The earlier values are a month apart, the current one entered at seeding.
                var at = now.AddDays(-30 * (values.Length - 1));
                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql.InsertItem, new
                {
                    SystemId = "ERP", Environment = environment, Key = key, UnitId = "JS", UnitPath = "/HQ/JS/", Value = values[^1],
                    Description = description, Owner = "JS-L2BIZ", CreatedBy = "Inventory", CreatedAt = at, UpdatedAt = now,
                }, transaction, cancellationToken: token));
                for (var v = 0; v < values.Length; v++)
                    await connection.ExecuteAsync(new CommandDefinition(ConfigurationSql.InsertVersion, new
                    {
                        ItemId = id, Version = v + 1, Value = values[v], At = at.AddDays(30 * v), By = "js-engineer", TicketId = (long?)null,
                    }, transaction, cancellationToken: token));
                if (values.Length > 1)
                    await connection.ExecuteAsync(new CommandDefinition(ConfigurationSql.SetVersion,
                        new { Id = id, Version = values.Length }, transaction, cancellationToken: token));
            }
            return true;
        }, ct);
        logger.LogInformation("Seeded ERP's configuration inventory for Jiangsu ({Count} items)", Items.Length);
    }
}
