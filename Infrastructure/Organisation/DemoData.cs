using Dapper;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Organisation;

/// <summary>
/// A small organisation to try the service with: HQ and two provinces (each with a sub-unit), their support lines,
/// a few systems, and one user with a fixed API key <c>demo-&lt;unit&gt;-&lt;role&gt;</c> per role. Seeded into an empty database only.
/// </summary>
public sealed class DemoData(Database database, ILogger<DemoData> logger)
{
    private static readonly (string Id, string Name, string? Parent)[] Units =
    [
        ("HQ", "Headquarters", null),
        ("JS", "Jiangsu Provincial Company", "HQ"),
        ("JS-NJ", "Nanjing Branch", "JS"),
        ("ZJ", "Zhejiang Provincial Company", "HQ"),
        ("ZJ-HZ", "Hangzhou Branch", "ZJ"),
    ];

    private static readonly (string Id, string Name, string Unit, string Owner)[] Systems =
    [
        ("ERP", "Enterprise resource planning (finance, procurement)", "HQ", "Finance Department"),
        ("HR", "Human resources system", "HQ", "Human Resources Department"),
        ("ESB", "Enterprise integration platform", "HQ", "IT & Communications Department"),
        ("JS-MKT", "Jiangsu marketing and customer service system", "JS", "Jiangsu Marketing Department"),
        ("ZJ-MKT", "Zhejiang marketing and customer service system", "ZJ", "Zhejiang Marketing Department"),
    ];

    /// <summary>(user suffix, display role, roles, groups by line suffix)</summary>
    private static readonly (string Suffix, string Roles, string[] Lines)[] ProvinceUsers =
    [
        ("requester", "Requester", []),
        ("servicedesk", "ServiceDesk", ["L1"]),
        ("engineer", "Engineer", ["L2SYS", "L2BIZ"]),
        ("approver", "BusinessApprover,Requester", []),
        ("itmanager", "ItManager", []),
    ];

    public async Task<bool> SeedIfEmptyAsync(CancellationToken cancellationToken = default)
    {
        var seeded = await database.WriteAsync(async (connection, transaction, ct) =>
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(OrganisationSql.CountUnits, null, transaction, cancellationToken: ct)) > 0)
                return false;

            var paths = new Dictionary<string, string>();
            foreach (var (id, name, parent) in Units)
            {
                paths[id] = (parent is null ? "/" : paths[parent]) + id + "/";
                await Execute(OrganisationSql.InsertUnit, new { id, name, parent, path = paths[id] });
            }
            foreach (var unit in new[] { "HQ", "JS", "ZJ" })
            {
                await Group($"{unit}-L1", $"{unit} service desk (line 1)", unit, "Line1");
                await Group($"{unit}-L2SYS", $"{unit} system O&M (line 2)", unit, "Line2System");
                await Group($"{unit}-L2BIZ", $"{unit} business O&M (line 2)", unit, "Line2Business");
            }
            await Group("HQ-L3", "HQ experts and vendors (line 3)", "HQ", "Line3");
            foreach (var (id, name, unit, owner) in Systems)
                await Execute(OrganisationSql.InsertSystem, new { id, name, unit, owner });

            foreach (var unit in new[] { "JS", "ZJ" })
            foreach (var (suffix, roles, lines) in ProvinceUsers)
                await User(unit, suffix, roles, lines.Select(l => $"{unit}-{l}").ToArray());
            await User("HQ", "engineer", "Engineer,HqEngineer", ["HQ-L3", "HQ-L2SYS", "HQ-L2BIZ"]);
            await User("HQ", "itmanager", "ItManager", []);
            await User("HQ", "integration", "Integration", [], kind: "Integration");

            return true;

            Task Execute(string sql, object args) => connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: ct));

            Task Group(string id, string name, string unit, string line) => Execute(OrganisationSql.InsertGroup, new { id, name, unit, line });

            async Task User(string unit, string suffix, string roles, string[] groups, string kind = "Person")
            {
                var id = $"{unit.ToLowerInvariant()}-{suffix}";
                await Execute(OrganisationSql.InsertUser, new { id, name = $"{unit} {suffix} (demo)", unit, kind, roles });
                foreach (var group in groups) await Execute(OrganisationSql.InsertMember, new { group, id });
                await Execute(OrganisationSql.InsertKey, new { hash = ApiKeyHash.Of($"demo-{id}"), id, name = "demo key", at = DateTimeOffset.UtcNow, issuedBy = "demo-data" });
            }
        }, cancellationToken);
        if (seeded) logger.LogInformation("Seeded the demo organisation and its demo-<unit>-<role> API keys");
        return seeded;
    }
}
