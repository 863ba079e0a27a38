using Itsm.Domain.Accounts;
using Itsm.Infrastructure.Organisation;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Accounts;

/// <summary>
/// The demo register (with the demo organisation): thirty ERP accounts at JS and Nanjing, most used recently, five idle
/// for more than the dormancy period and two never used since an old import, so that <c>dormant=true</c> finds some.
/// </summary>
public sealed class AccountDemo(AccountStore store, OrganisationStore organisation, TimeProvider clock, ILogger<AccountDemo> logger)
{
    private static readonly string[] Holders =
    [
        "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷",
        "徐明", "孙丽", "马超", "朱琳", "胡斌", "郭鹏", "何佳", "高翔", "林涛", "罗晨",
        "梁欣", "宋健", "郑雪", "谢飞", "韩梅", "唐亮", "冯静", "于洋", "董浩", "程颖",
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        if (await organisation.FindUnitAsync("JS", ct) is not { } js || await organisation.FindSystemAsync("ERP", ct) is null) return;
        var nanjing = await organisation.FindUnitAsync("JS-NJ", ct) ?? js;
        var now = clock.GetUtcNow();
        var accounts = Holders.Select((holder, i) =>
        {
            var unit = i % 3 == 2 ? nanjing : js;
            var roles = (i % 4) switch { 0 => new[] { "GL-CLERK" }, 1 => ["GL-CLERK", "AP-CLERK"], 2 => ["AR-CLERK"], _ => ["GL-SUPERVISOR", "REPORT-VIEWER"] };
            // Accounts 25–29 are idle long enough to be dormant; 28 and 29 were never used after an import a year ago.
            var (lastUsed, created) = i switch
            {
                < 25 => ((DateTimeOffset?)now.AddDays(-(i % 7) - 1), now.AddDays(-400)),
                < 28 => (now.AddDays(-200 - i), now.AddDays(-400)),
                _ => (null, now.AddDays(-365)),
            };
            return new Account(0, "ERP", $"js{i + 1:D3}", holder, null, unit.Id, unit.Path, i % 2 == 0 ? "财务部" : "计划财务部", roles,
                AccountStatus.Active, lastUsed, created, created);
        }).ToList();
        await store.ImportAsync(accounts, "demo-data", now, ct);
        logger.LogInformation("Seeded {Count} demo ERP accounts at JS", accounts.Count);
    }
}
