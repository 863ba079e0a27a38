namespace Itsm.Domain.Reports;

/// <summary>Each figure of the work report and its formula in one sentence (the README's table says the same).</summary>
public static class ReportDefinitions
{
    public static readonly IReadOnlyDictionary<string, string> Work = new Dictionary<string, string>
    {
        ["volumes.raised"] = "Tickets created in the period.",
        ["volumes.resolved"] = "Tickets whose latest resolution falls in the period (a reopened ticket counts when it is resolved again).",
        ["volumes.closed"] = "Tickets closed in the period (confirmed, evaluated, rejected or auto-closed; cancelled tickets are not counted).",
        ["volumes.openAtEnd"] = "Tickets created before the period's end and neither closed nor cancelled by then.",
        ["breakdowns"] = "Each volume splits by category, priority, line (of the ticket's current group; None when unassigned), system and unit.",
        ["firstContactResolutionRate"] = "Resolved tickets that were never assigned beyond line 1 (no group, or a line-1 group) ÷ tickets resolved.",
        ["responseSlaCompliance"] = "Response clocks that ended Met in the period ÷ response clocks that ended Met or Breached in the period.",
        ["resolutionSlaCompliance"] = "Resolution clocks that ended Met in the period ÷ resolution clocks that ended Met or Breached in the period.",
        ["timeToResolve"] = "Mean and 90th percentile (nearest rank) of the business minutes of resolution clocks that ended in the period, pauses excluded, on the calendar of the ticket's SLA rule.",
        ["escalationRate"] = "Tickets resolved in the period that had been escalated to HQ ÷ tickets resolved.",
        ["hqTurnaround"] = "Mean and 90th percentile of the business minutes of HQ clocks (escalation to HQ's return or resolution) that ended in the period.",
        ["reopenRate"] = "Reopens recorded in the period ÷ tickets resolved in the period.",
        ["satisfaction"] = "Mean rating (1–5), number of ratings and their distribution, of tickets closed in the period with a rating.",
        ["inspections"] = "Inspection runs scheduled in the period: completed = passed + failed; completion rate = completed ÷ scheduled; pass rate = passed ÷ completed; missed = not completed by their deadline.",
        ["dataQualityIssues"] = "DataQualityIssue tickets raised and resolved in the period.",
        ["changes.requested"] = "Change tickets (configuration, account, data, back-office) raised in the period.",
        ["changes.approved"] = "Changes approved by their business department in the period.",
        ["changes.rejected"] = "Changes closed as rejected in the period.",
        ["changes.evaluated"] = "Changes evaluated by their business department in the period; evaluatedEffective: of those, evaluated effective.",
        ["changes.evaluationOverdue"] = "Resolved changes whose confirmation window ended before the period's end without an evaluation by then.",
        ["accounts.dormantAtEnd"] = "Active accounts idle (last used, or created when never used) since at least Accounts:DormantAfterDays (default 180) before the period's end.",
        ["accounts.reviewsCompleted"] = "Access reviews whose last item was decided in the period.",
        ["accounts.reviewsOverdue"] = "Access reviews that became overdue (passed their due time with items undecided) in the period.",
        ["previous"] = "The same figures for the preceding period: the previous month for a calendar month, the previous quarter for a quarter, otherwise the equally long range just before.",
    };

    /// <summary>The same definitions in Chinese, for the page a provincial IT department hands on (same keys as <see cref="Work"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> WorkZh = new Dictionary<string, string>
    {
        ["volumes.raised"] = "统计期间内创建的工单数。",
        ["volumes.resolved"] = "最近一次解决时间在统计期间内的工单数（重开后再次解决的工单按再次解决计入）。",
        ["volumes.closed"] = "统计期间内关闭的工单数（确认、评价、驳回或自动关闭；已取消的工单不计）。",
        ["volumes.openAtEnd"] = "期末之前创建、且到期末既未关闭也未取消的工单数。",
        ["breakdowns"] = "各工单量按类别、优先级、支持层级（工单当前所在组的层级；未分派为“无”）、系统和单位分列。",
        ["firstContactResolutionRate"] = "从未分派到一线以外的已解决工单数（无处理组或一线组）÷ 已解决工单数。",
        ["responseSlaCompliance"] = "统计期间内结束且达标的响应时钟数 ÷ 统计期间内结束（达标或超时）的响应时钟数。",
        ["resolutionSlaCompliance"] = "统计期间内结束且达标的解决时钟数 ÷ 统计期间内结束（达标或超时）的解决时钟数。",
        ["timeToResolve"] = "统计期间内结束的解决时钟的工作分钟数（不含挂起时间，按工单所适用服务级别规则的日历计算）的平均值和90分位数（最近秩法）。",
        ["escalationRate"] = "统计期间内解决、且曾提报总部的工单数 ÷ 已解决工单数。",
        ["hqTurnaround"] = "统计期间内结束的总部时钟（自提报总部至总部退回或解决）的工作分钟数的平均值和90分位数。",
        ["reopenRate"] = "统计期间内记录的重开次数 ÷ 统计期间内解决的工单数。",
        ["satisfaction"] = "统计期间内关闭且有评价的工单的平均满意度（1–5）、评价数及各分值分布。",
        ["inspections"] = "统计期间内计划的巡检次数：完成 = 通过 + 未通过；完成率 = 完成 ÷ 计划；通过率 = 通过 ÷ 完成；漏检 = 截止时间前未完成。",
        ["dataQualityIssues"] = "统计期间内提出和解决的数据质量问题工单数。",
        ["changes.requested"] = "统计期间内提出的变更工单数（配置、账号权限、数据、后台操作）。",
        ["changes.approved"] = "统计期间内经业务部门批准的变更数。",
        ["changes.rejected"] = "统计期间内以驳回关闭的变更数。",
        ["changes.evaluated"] = "统计期间内经业务部门评价的变更数；评价有效数为其中评价为有效的变更数。",
        ["changes.evaluationOverdue"] = "确认期限在期末之前届满、且到期末仍未评价的已解决变更数。",
        ["accounts.dormantAtEnd"] = "截至期末已闲置（最后使用时间，从未使用的按创建时间）不少于 Accounts:DormantAfterDays 天（默认180天）的在用账号数。",
        ["accounts.reviewsCompleted"] = "最后一项在统计期间内完成审定的权限复核数。",
        ["accounts.reviewsOverdue"] = "统计期间内逾期（过了截止时间仍有未审定项）的权限复核数。",
        ["previous"] = "上一同类期间的相同指标：自然月取上月，季度取上季度，其他取紧接其前的等长期间。",
    };

    /// <summary>The definitions in <paramref name="language"/> (zh-CN or English).</summary>
    public static IReadOnlyDictionary<string, string> In(string language) => language == "zh-CN" ? WorkZh : Work;
}
