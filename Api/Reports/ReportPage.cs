using System.Globalization;
using System.Net;
using System.Text;
using Itsm.Domain.Reports;

namespace Itsm.Api.Reports;

/// <summary>
/// The work report as one printable page: inline CSS (A4 print rules) and inline SVG charts, no script and no external asset,
/// labelled in Chinese (业务运维工作报告, what a provincial IT department hands to its leadership) or English. Every number
/// shown carries <c>data-figure</c> with the figure's JSON path, so that a reader (or a test) can match it to the data.
/// </summary>
public static class ReportPage
{
    private static readonly Dictionary<string, (string Zh, string En)> Labels = new()
    {
        ["title"] = ("业务运维工作报告", "Business O&M work report"),
        ["unit"] = ("单位", "Unit"),
        ["period"] = ("统计期间", "Period"),
        ["previous"] = ("上期", "Previous period"),
        ["generated"] = ("生成时间", "Generated at"),
        ["subunits"] = ("含下级单位", "including sub-units"),
        ["system"] = ("系统", "System"),
        ["headline"] = ("主要指标", "Headline figures"),
        ["figure"] = ("指标", "Figure"),
        ["current"] = ("本期", "This period"),
        ["trend"] = ("趋势", "Trend"),
        ["volumes.raised.total"] = ("受理工单", "Tickets raised"),
        ["volumes.resolved.total"] = ("解决工单", "Tickets resolved"),
        ["volumes.closed.total"] = ("关闭工单", "Tickets closed"),
        ["volumes.openAtEnd.total"] = ("期末未关闭", "Open at end"),
        ["firstContactResolutionRate"] = ("一线解决率", "First-contact resolution rate"),
        ["responseSlaCompliance"] = ("响应时限达标率", "Response SLA compliance"),
        ["resolutionSlaCompliance"] = ("解决时限达标率", "Resolution SLA compliance"),
        ["timeToResolve.meanBusinessMinutes"] = ("平均解决时长（工作分钟）", "Mean time to resolve (business minutes)"),
        ["timeToResolve.p90BusinessMinutes"] = ("解决时长90分位（工作分钟）", "90th percentile time to resolve (business minutes)"),
        ["escalationRate"] = ("提报总部率", "Escalation-to-HQ rate"),
        ["hqTurnaround.meanBusinessMinutes"] = ("总部平均处理时长（工作分钟）", "Mean HQ turnaround (business minutes)"),
        ["reopenRate"] = ("重开率", "Reopen rate"),
        ["satisfaction.mean"] = ("平均满意度（1–5）", "Mean satisfaction (1–5)"),
        ["satisfaction.responses"] = ("满意度评价数", "Satisfaction ratings"),
        ["inspections.completionRate"] = ("巡检完成率", "Inspection completion rate"),
        ["inspections.passRate"] = ("巡检通过率", "Inspection pass rate"),
        ["inspections.missed"] = ("漏检次数", "Missed inspections"),
        ["dataQualityIssues.raised"] = ("数据质量问题（提出）", "Data-quality issues raised"),
        ["dataQualityIssues.resolved"] = ("数据质量问题（解决）", "Data-quality issues resolved"),
        ["changes.requested"] = ("变更申请", "Changes requested"),
        ["changes.approved"] = ("变更批准", "Changes approved"),
        ["changes.rejected"] = ("变更驳回", "Changes rejected"),
        ["changes.evaluated"] = ("变更已评价", "Changes evaluated"),
        ["changes.evaluatedEffective"] = ("变更评价有效", "Changes evaluated effective"),
        ["changes.evaluationOverdue"] = ("变更评价逾期", "Change evaluations overdue"),
        ["accounts.dormantAtEnd"] = ("期末休眠账号", "Dormant accounts at period end"),
        ["accounts.reviewsCompleted"] = ("完成的权限复核", "Access reviews completed"),
        ["accounts.reviewsOverdue"] = ("逾期的权限复核", "Access reviews overdue"),
        // The definitions' figures (the English page names them by their JSON path).
        ["volumes.raised"] = ("受理工单", "volumes.raised"),
        ["volumes.resolved"] = ("解决工单", "volumes.resolved"),
        ["volumes.closed"] = ("关闭工单", "volumes.closed"),
        ["volumes.openAtEnd"] = ("期末未关闭", "volumes.openAtEnd"),
        ["breakdowns"] = ("分类统计", "breakdowns"),
        ["timeToResolve"] = ("解决时长", "timeToResolve"),
        ["hqTurnaround"] = ("总部处理时长", "hqTurnaround"),
        ["satisfaction"] = ("满意度", "satisfaction"),
        ["inspections"] = ("巡检", "inspections"),
        ["dataQualityIssues"] = ("数据质量问题", "dataQualityIssues"),
        ["byCategory"] = ("各类工单受理量", "Tickets raised by category"),
        ["daily"] = ("每日受理与解决", "Raised and resolved per day"),
        ["raised"] = ("受理", "Raised"),
        ["resolved"] = ("解决", "Resolved"),
        ["slaByPriority"] = ("各优先级时限达标率", "SLA compliance by priority"),
        ["response"] = ("响应", "Response"),
        ["resolution"] = ("解决", "Resolution"),
        ["inspectionBySystem"] = ("各系统巡检完成率", "Inspection completion by system"),
        ["definitions"] = ("指标口径", "Definitions"),
        ["none"] = ("无数据", "No data"),
        ["UserGuidance"] = ("用户指导", "User guidance"),
        ["MasterData"] = ("主数据维护", "Master data"),
        ["BackOfficeOperation"] = ("后台操作", "Back-office operation"),
        ["ConfigurationChange"] = ("配置变更", "Configuration change"),
        ["AccountPermission"] = ("账号权限", "Account & permission"),
        ["DataChange"] = ("数据变更", "Data change"),
        ["ApplicationProblem"] = ("应用问题", "Application problem"),
        ["InspectionFinding"] = ("巡检发现", "Inspection finding"),
        ["DataQualityIssue"] = ("数据质量问题", "Data-quality issue"),
    };

    /// <summary>Rates are shown as percentages; for these a rise is bad news (the trend arrow says so by its class).</summary>
    private static readonly HashSet<string> LowerIsBetter =
    [
        "volumes.openAtEnd.total", "timeToResolve.meanBusinessMinutes", "timeToResolve.p90BusinessMinutes", "escalationRate",
        "hqTurnaround.meanBusinessMinutes", "reopenRate", "inspections.missed", "changes.evaluationOverdue", "changes.rejected",
        "accounts.dormantAtEnd", "accounts.reviewsOverdue",
    ];

    public static string Render(WorkReport report, string language)
    {
        var zh = language == "zh-CN";
        string L(string key) => Labels.TryGetValue(key, out var l) ? zh ? l.Zh : l.En : key;
        var html = new StringBuilder();
        var tz = TimeZoneInfo.FindSystemTimeZoneById(report.TimeZone);
        var generated = Instant(report.GeneratedAt, tz);
        html.Append($"""
            <!DOCTYPE html>
            <html lang="{language}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(L("title"))} · {E(report.UnitName)} · {Span(report.From, report.To)}</title>
            <style>{Css}</style>
            </head>
            <body>
            <header>
            <h1>{E(L("title"))}</h1>
            <table class="meta">
            <tr><th>{E(L("unit"))}</th><td>{E(report.UnitName)} ({E(report.Unit)}){(report.IncludeSubunits ? " · " + E(L("subunits")) : "")}{(report.System is { } s ? $" · {E(L("system"))} {E(s)}" : "")}</td></tr>
            <tr><th>{E(L("period"))}</th><td>{Span(report.From, report.To)} ({E(report.TimeZone)})</td></tr>
            <tr><th>{E(L("previous"))}</th><td>{Span(report.Previous.From, report.Previous.To)}</td></tr>
            <tr><th>{E(L("generated"))}</th><td>{generated}</td></tr>
            </table>
            </header>
            """);

        html.Append($"<section><h2>{E(L("headline"))}</h2><table class=\"figures\"><thead><tr><th>{E(L("figure"))}</th><th>{E(L("current"))}</th><th>{E(L("previous"))}</th><th>{E(L("trend"))}</th></tr></thead><tbody>");
        foreach (var (path, current, previous, rate) in Headline(report))
        {
            var arrow = (current, previous) switch
            {
                ({ } c, { } p) when c > p => ("▲", LowerIsBetter.Contains(path) ? "worse" : "better"),
                ({ } c, { } p) when c < p => ("▼", LowerIsBetter.Contains(path) ? "better" : "worse"),
                ({ }, { }) => ("＝", "same"),
                _ => ("–", "same"),
            };
            html.Append($"<tr><th>{E(L(path))}</th><td class=\"n\" data-figure=\"{path}\" data-value=\"{Raw(current)}\">{Show(current, rate)}</td>" +
                        $"<td class=\"n\" data-figure=\"previous.{path}\" data-value=\"{Raw(previous)}\">{Show(previous, rate)}</td>" +
                        $"<td class=\"trend {arrow.Item2}\">{arrow.Item1}</td></tr>");
        }
        html.Append("</tbody></table></section>");

        var byCategory = report.Volumes.Raised.ByCategory.Select(p => (L(p.Key), (double)p.Value, $"volumes.raised.byCategory.{p.Key}", p.Value.ToString(CultureInfo.InvariantCulture))).ToList();
        html.Append($"<section class=\"chart\"><h2>{E(L("byCategory"))}</h2>{BarChart(byCategory, L("none"))}</section>");
        html.Append($"<section class=\"chart\"><h2>{E(L("daily"))}</h2>{LineChart(report.Daily, L("raised"), L("resolved"))}</section>");
        var sla = report.SlaByPriority.SelectMany(p => new[]
        {
            ($"{p.Priority} {L("response")}", (p.ResponseCompliance ?? 0) * 100, $"slaByPriority.{p.Priority}.responseCompliance", Show(p.ResponseCompliance, true)),
            ($"{p.Priority} {L("resolution")}", (p.ResolutionCompliance ?? 0) * 100, $"slaByPriority.{p.Priority}.resolutionCompliance", Show(p.ResolutionCompliance, true)),
        }).ToList();
        html.Append($"<section class=\"chart\"><h2>{E(L("slaByPriority"))}</h2>{BarChart(sla, L("none"), max: 100)}</section>");
        var inspections = report.Inspections.BySystem.Select(s => (s.System, (s.CompletionRate ?? 0) * 100, $"inspections.bySystem.{s.System}.completionRate", Show(s.CompletionRate, true))).ToList();
        html.Append($"<section class=\"chart\"><h2>{E(L("inspectionBySystem"))}</h2>{BarChart(inspections, L("none"), max: 100)}</section>");

        html.Append($"<section class=\"definitions\"><h2>{E(L("definitions"))}</h2><table>");
        // The JSON's definitions are English; the Chinese page gives each figure its Chinese name and sentence.
        foreach (var (figure, definition) in report.Definitions)
            html.Append(zh
                ? $"<tr data-definition=\"{E(figure)}\"><th>{E(L(figure))}</th><td>{E(ReportDefinitions.WorkZh.GetValueOrDefault(figure, definition))}</td></tr>"
                : $"<tr data-definition=\"{E(figure)}\"><th>{E(figure)}</th><td>{E(definition)}</td></tr>");
        html.Append("</table></section></body></html>");
        return html.ToString();
    }

    private static IEnumerable<(string Path, double? Current, double? Previous, bool Rate)> Headline(WorkReport r)
    {
        var p = r.Previous;
        yield return ("volumes.raised.total", r.Volumes.Raised.Total, p.Volumes.Raised.Total, false);
        yield return ("volumes.resolved.total", r.Volumes.Resolved.Total, p.Volumes.Resolved.Total, false);
        yield return ("volumes.closed.total", r.Volumes.Closed.Total, p.Volumes.Closed.Total, false);
        yield return ("volumes.openAtEnd.total", r.Volumes.OpenAtEnd.Total, p.Volumes.OpenAtEnd.Total, false);
        yield return ("firstContactResolutionRate", r.FirstContactResolutionRate, p.FirstContactResolutionRate, true);
        yield return ("responseSlaCompliance", r.ResponseSlaCompliance, p.ResponseSlaCompliance, true);
        yield return ("resolutionSlaCompliance", r.ResolutionSlaCompliance, p.ResolutionSlaCompliance, true);
        yield return ("timeToResolve.meanBusinessMinutes", r.TimeToResolve.MeanBusinessMinutes, p.TimeToResolve.MeanBusinessMinutes, false);
        yield return ("timeToResolve.p90BusinessMinutes", r.TimeToResolve.P90BusinessMinutes, p.TimeToResolve.P90BusinessMinutes, false);
        yield return ("escalationRate", r.EscalationRate, p.EscalationRate, true);
        yield return ("hqTurnaround.meanBusinessMinutes", r.HqTurnaround.MeanBusinessMinutes, p.HqTurnaround.MeanBusinessMinutes, false);
        yield return ("reopenRate", r.ReopenRate, p.ReopenRate, true);
        yield return ("satisfaction.mean", r.Satisfaction.Mean, p.Satisfaction.Mean, false);
        yield return ("satisfaction.responses", r.Satisfaction.Responses, p.Satisfaction.Responses, false);
        yield return ("inspections.completionRate", r.Inspections.CompletionRate, p.Inspections.CompletionRate, true);
        yield return ("inspections.passRate", r.Inspections.PassRate, p.Inspections.PassRate, true);
        yield return ("inspections.missed", r.Inspections.Missed, p.Inspections.Missed, false);
        yield return ("dataQualityIssues.raised", r.DataQualityIssues.Raised, p.DataQualityIssues.Raised, false);
        yield return ("dataQualityIssues.resolved", r.DataQualityIssues.Resolved, p.DataQualityIssues.Resolved, false);
        yield return ("changes.requested", r.Changes.Requested, p.Changes.Requested, false);
        yield return ("changes.approved", r.Changes.Approved, p.Changes.Approved, false);
        yield return ("changes.rejected", r.Changes.Rejected, p.Changes.Rejected, false);
        yield return ("changes.evaluated", r.Changes.Evaluated, p.Changes.Evaluated, false);
        yield return ("changes.evaluatedEffective", r.Changes.EvaluatedEffective, p.Changes.EvaluatedEffective, false);
        yield return ("changes.evaluationOverdue", r.Changes.EvaluationOverdue, p.Changes.EvaluationOverdue, false);
        yield return ("accounts.dormantAtEnd", r.Accounts.DormantAtEnd, p.Accounts.DormantAtEnd, false);
        yield return ("accounts.reviewsCompleted", r.Accounts.ReviewsCompleted, p.Accounts.ReviewsCompleted, false);
        yield return ("accounts.reviewsOverdue", r.Accounts.ReviewsOverdue, p.Accounts.ReviewsOverdue, false);
    }

    /// <summary>Horizontal bars, one per item, scaled to the largest (or to <paramref name="max"/>), each labelled with its value.</summary>
    private static string BarChart(IReadOnlyList<(string Label, double Value, string Figure, string Shown)> items, string none, double? max = null)
    {
        if (items.Count == 0) return $"<p class=\"none\">{E(none)}</p>";
        const int labelWidth = 200, barWidth = 380, row = 24;
        var top = max ?? Math.Max(items.Max(i => i.Value), 1);
        var svg = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\" width=\"660\" height=\"{items.Count * row + 8}\" viewBox=\"0 0 660 {items.Count * row + 8}\" role=\"img\">");
        for (var i = 0; i < items.Count; i++)
        {
            var (label, value, figure, shown) = items[i];
            var y = 4 + i * row;
            var width = top <= 0 ? 0 : value / top * barWidth;
            svg.Append($"<text x=\"{labelWidth - 8}\" y=\"{y + 16}\" text-anchor=\"end\">{E(label)}</text>" +
                       $"<rect x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{F(width)}\" height=\"{row - 8}\" class=\"bar\"/>" +
                       $"<text x=\"{F(labelWidth + width + 6)}\" y=\"{y + 16}\" data-figure=\"{figure}\">{E(shown)}</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Two lines over the period's days: raised and resolved.</summary>
    private static string LineChart(IReadOnlyList<DayCount> days, string raised, string resolved)
    {
        const int width = 660, height = 220, left = 40, right = 20, top = 20, bottom = 40;
        var max = Math.Max(days.Count == 0 ? 1 : days.Max(d => Math.Max(d.Raised, d.Resolved)), 1);
        double X(int i) => left + (days.Count <= 1 ? 0 : i * (width - left - right) / (double)(days.Count - 1));
        double Y(int v) => height - bottom - v * (height - top - bottom) / (double)max;
        string Points(Func<DayCount, int> f) => string.Join(' ', days.Select((d, i) => $"{F(X(i))},{F(Y(f(d)))}"));
        var svg = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lines\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">");
        svg.Append($"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" class=\"axis\"/>");
        svg.Append($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" class=\"axis\"/>");
        svg.Append($"<text x=\"{left - 6}\" y=\"{top + 4}\" text-anchor=\"end\">{max}</text><text x=\"{left - 6}\" y=\"{height - bottom + 4}\" text-anchor=\"end\">0</text>");
        var step = Math.Max(1, days.Count / 8);
        for (var i = 0; i < days.Count; i += step)
            svg.Append($"<text x=\"{F(X(i))}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{days[i].Date:MM-dd}</text>");
        svg.Append($"<polyline points=\"{Points(d => d.Raised)}\" class=\"raised\"/><polyline points=\"{Points(d => d.Resolved)}\" class=\"resolved\"/>");
        svg.Append($"<rect x=\"{left}\" y=\"{height - 14}\" width=\"12\" height=\"4\" class=\"raised-key\"/><text x=\"{left + 16}\" y=\"{height - 8}\">{E(raised)}</text>");
        svg.Append($"<rect x=\"{left + 120}\" y=\"{height - 14}\" width=\"12\" height=\"4\" class=\"resolved-key\"/><text x=\"{left + 136}\" y=\"{height - 8}\">{E(resolved)}</text>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>An instant as the unit's local time with its offset named, the same on every report page: <c>2026-12-01 09:00 UTC+08:00</c>.</summary>
    public static string Instant(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var offset = local.Offset;
        return local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) +
               (offset == TimeSpan.Zero ? " UTC" : $" UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration():hh\\:mm}");
    }

    private static string Span(DateOnly from, DateOnly to) => $"{from:yyyy-MM-dd} – {to.AddDays(-1):yyyy-MM-dd}";

    private static string Show(double? value, bool rate) => value switch
    {
        null => "–",
        { } v when rate => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%",
        { } v => v.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static string Raw(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        @page { size: A4; margin: 15mm 12mm; }
        * { box-sizing: border-box; }
        body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 186mm; font-size: 10.5pt; }
        h1 { font-size: 20pt; margin: 0 0 6pt; border-bottom: 2pt solid #1f4e79; padding-bottom: 4pt; }
        h2 { font-size: 13pt; margin: 14pt 0 6pt; color: #1f4e79; }
        table { border-collapse: collapse; width: 100%; }
        th, td { border-bottom: 0.5pt solid #ccc; padding: 3pt 6pt; text-align: left; vertical-align: top; }
        table.meta th { width: 28mm; color: #555; font-weight: normal; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        td.trend { text-align: center; }
        td.trend.better { color: #1e7b34; } td.trend.worse { color: #b00020; } td.trend.same { color: #777; }
        section { break-inside: avoid; page-break-inside: avoid; }
        section.definitions { break-before: page; page-break-before: always; font-size: 9pt; }
        section.definitions th { width: 55mm; font-weight: normal; font-family: monospace; }
        svg text { font-size: 11px; fill: #333; }
        svg .bar { fill: #2e75b6; }
        svg .axis { stroke: #999; stroke-width: 1; }
        svg polyline { fill: none; stroke-width: 2; }
        svg .raised { stroke: #2e75b6; } svg .resolved { stroke: #e07b00; }
        svg .raised-key { fill: #2e75b6; } svg .resolved-key { fill: #e07b00; }
        .none { color: #777; }
        @media print { body { max-width: none; } h2 { break-after: avoid; } }
        """;
}
