using Dapper;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Organisation;

/// <summary>
/// A small organisation to try the service with: HQ and two provinces (each with a sub-unit), their support lines,
/// a few systems, Finance and HR departments at HQ and in each province owning them there, and one user with a fixed API key
/// <c>demo-&lt;user&gt;</c> per role (an approver per department). Seeded into an empty database only.
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

    private static readonly (string Id, string Name, string Unit)[] Systems =
    [
        ("ERP", "Enterprise resource planning (finance, procurement)", "HQ"),
        ("HR", "Human resources system", "HQ"),
        ("ESB", "Enterprise integration platform", "HQ"),
        ("JS-MKT", "Jiangsu marketing and customer service system", "JS"),
        ("ZJ-MKT", "Zhejiang marketing and customer service system", "ZJ"),
    ];

    /// <summary>Units with a Finance (<c>&lt;unit&gt;-FIN</c>) and an HR (<c>&lt;unit&gt;-HR</c>) department.</summary>
    private static readonly string[] DepartmentUnits = ["HQ", "JS", "ZJ"];

    /// <summary>(system, unit, department): enterprise-wide systems are owned at HQ and again in each province.</summary>
    private static readonly (string System, string Unit, string Department)[] Owners =
    [
        ..DepartmentUnits.SelectMany(u => new[] { ("ERP", u, $"{u}-FIN"), ("ESB", u, $"{u}-FIN"), ("HR", u, $"{u}-HR") }),
        ("JS-MKT", "JS", "JS-FIN"),
        ("ZJ-MKT", "ZJ", "ZJ-FIN"),
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
            foreach (var unit in DepartmentUnits)
            {
                await Execute(DepartmentSql.InsertDepartment, new { code = $"{unit}-FIN", name = $"{unit} Finance Department", unit });
                await Execute(DepartmentSql.InsertDepartment, new { code = $"{unit}-HR", name = $"{unit} Human Resources Department", unit });
            }
            foreach (var (id, name, unit) in Systems)
                await Execute(OrganisationSql.InsertSystem, new { id, name, unit });
            foreach (var (systemId, unit, department) in Owners)
                await Execute(DepartmentSql.InsertOwner, new { systemId, unit, department });

            foreach (var unit in new[] { "JS", "ZJ" })
            {
                foreach (var (suffix, roles, lines) in ProvinceUsers)
                    await User(unit, suffix, roles, lines.Select(l => $"{unit}-{l}").ToArray(),
                        department: suffix == "approver" ? $"{unit}-FIN" : null);
                await User(unit, "hr-approver", "BusinessApprover,Requester", [], department: $"{unit}-HR");
            }
            await User("HQ", "approver", "BusinessApprover,Requester", [], department: "HQ-FIN");
            await User("HQ", "hr-approver", "BusinessApprover,Requester", [], department: "HQ-HR");
            await User("HQ", "engineer", "Engineer,HqEngineer", ["HQ-L3", "HQ-L2SYS", "HQ-L2BIZ"]);
            await User("HQ", "itmanager", "ItManager", []);
            await User("HQ", "integration", "Integration", [], kind: "Integration");

            return true;

            Task Execute(string sql, object args) => connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: ct));

            Task Group(string id, string name, string unit, string line) => Execute(OrganisationSql.InsertGroup, new { id, name, unit, line });

            async Task User(string unit, string suffix, string roles, string[] groups, string kind = "Person", string? department = null)
            {
                var id = $"{unit.ToLowerInvariant()}-{suffix}";
                await Execute(OrganisationSql.InsertUser, new { id, name = $"{unit} {suffix} (demo)", unit, kind, roles, department });
                foreach (var group in groups) await Execute(OrganisationSql.InsertMember, new { group, id });
                await Execute(OrganisationSql.InsertKey, new { hash = ApiKeyHash.Of($"demo-{id}"), id, name = "demo key", at = DateTimeOffset.UtcNow, issuedBy = "demo-data" });
            }
        }, cancellationToken);
        if (seeded) logger.LogInformation("Seeded the demo organisation and its demo-<user> API keys");
        return seeded;
    }
}
