using System.Globalization;
using System.Net;
using System.Text;
using Itsm.Domain.Reports;

namespace Itsm.Api.Reports;

/// <summary>An assessment as CSV: one row per unit and indicator, with the unit's rank and score repeated.</summary>
public static class AssessmentCsv
{
    public static readonly IReadOnlyList<string> Header =
        ["period", "unit", "unitName", "rank", "score", "indicator", "value", "pointsPerUnit", "cap", "points"];

    public static async IAsyncEnumerable<IReadOnlyList<string?>> Rows(Assessment assessment)
    {
        foreach (var unit in assessment.Units)
        foreach (var d in unit.Deductions)
            yield return [assessment.Period, unit.Unit, unit.UnitName, N(unit.Rank), N(unit.Score), d.Indicator, N(d.Value), N(d.PointsPerUnit), N(d.Cap), N(d.Points)];
        await Task.CompletedTask;
    }

    private static string N(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// An assessment as one printable page: a ranked table with an inline bar per score, then each unit's deductions; inline CSS,
/// no script and no external asset, in Chinese (业务运维考核) or English. Numbers carry <c>data-unit</c>/<c>data-figure</c>.
/// </summary>
public static class AssessmentPage
{
    private static readonly Dictionary<string, (string Zh, string En)> Labels = new()
    {
        ["title"] = ("业务运维考核", "Business O&M assessment"),
        ["unit"] = ("单位", "Unit"),
        ["period"] = ("考核月份", "Month"),
        ["generated"] = ("生成时间", "Generated at"),
        ["rules"] = ("考核规则版本", "Rules version"),
        ["closed"] = ("已关账，得分已固定", "Closed: the scores are final"),
        ["open"] = ("未关账，得分随数据变化", "Open: the scores follow the data"),
        ["rank"] = ("排名", "Rank"),
        ["score"] = ("得分", "Score"),
        ["deductions"] = ("扣分明细", "Deductions"),
        ["indicator"] = ("考核指标", "Indicator"),
        ["value"] = ("指标值", "Value"),
        ["pointsPerUnit"] = ("单位扣分", "Points per unit"),
        ["cap"] = ("扣分上限", "Cap"),
        ["points"] = ("扣分", "Points"),
        ["none"] = ("无下级单位", "No units under this one"),
        [AssessmentIndicators.ResolutionSlaBreachesPer100] = ("解决超时（每百单）", "Resolution SLA breaches per 100"),
        [AssessmentIndicators.ResponseSlaBreachesPer100] = ("响应超时（每百单）", "Response SLA breaches per 100"),
        [AssessmentIndicators.MissedInspections] = ("漏检次数", "Missed inspections"),
        [AssessmentIndicators.ReopenRatePercent] = ("重开率（%）", "Reopen rate (%)"),
        [AssessmentIndicators.LowSatisfaction] = ("低满意度评价（<3）", "Low satisfaction ratings (< 3)"),
        [AssessmentIndicators.EvaluationOverdue] = ("变更评价逾期", "Change evaluations overdue"),
        [AssessmentIndicators.AccessReviewsOverdue] = ("权限复核逾期", "Access reviews overdue"),
    };

    public static string Render(Assessment a, string language, TimeZoneInfo zone)
    {
        var zh = language == "zh-CN";
        string L(string key) => WebUtility.HtmlEncode(Labels.TryGetValue(key, out var l) ? zh ? l.Zh : l.En : key);
        static string E(string text) => WebUtility.HtmlEncode(text);
        static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="{{language}}"><head><meta charset="utf-8"><title>{{L("title")}} {{E(a.UnitName)}} {{a.Period}}</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
            th, td { border: 1px solid #bbb; padding: 4px 8px; text-align: left; }
            td.n { text-align: right; }
            .bar { background: #e6ecf5; width: 100%; height: 14px; }
            .bar span { display: block; height: 14px; background: #2f6fb5; }
            @page { size: A4; margin: 15mm; }
            @media print { body { margin: 0; } table { page-break-inside: avoid; } }
            </style></head><body>
            <h1>{{L("title")}}</h1>
            <p>{{L("unit")}}: {{E(a.UnitName)}} ({{E(a.Unit)}}) · {{L("period")}}: {{a.Period}} · {{L("rules")}}: {{a.RulesVersion}} ·
            {{(a.Closed ? L("closed") : L("open"))}} · {{L("generated")}}: {{ReportPage.Instant(a.GeneratedAt, zone)}}</p>
            """);
        if (a.Units.Count == 0)
        {
            html.Append($"<p>{L("none")}</p></body></html>");
            return html.ToString();
        }
        html.Append($"""<table class="ranking"><thead><tr><th>{L("rank")}</th><th>{L("unit")}</th><th>{L("score")}</th><th></th></tr></thead><tbody>""");
        foreach (var u in a.Units)
            html.Append($"""<tr><td class="n" data-unit="{E(u.Unit)}" data-figure="rank">{u.Rank}</td><td>{E(u.UnitName)}</td>""" +
                        $"""<td class="n" data-unit="{E(u.Unit)}" data-figure="score">{N(u.Score)}</td>""" +
                        $"""<td style="width:50%"><div class="bar"><span style="width:{N(u.Score)}%"></span></div></td></tr>""");
        html.Append("</tbody></table>");
        html.Append($"<h2>{L("deductions")}</h2>");
        html.Append($"""<table class="deductions"><thead><tr><th>{L("unit")}</th><th>{L("indicator")}</th><th>{L("value")}</th><th>{L("pointsPerUnit")}</th><th>{L("cap")}</th><th>{L("points")}</th></tr></thead><tbody>""");
        foreach (var u in a.Units)
        foreach (var d in u.Deductions)
            html.Append($"""<tr><td>{E(u.UnitName)}</td><td>{L(d.Indicator)}</td><td class="n">{N(d.Value)}</td><td class="n">{N(d.PointsPerUnit)}</td>""" +
                        $"""<td class="n">{N(d.Cap)}</td><td class="n" data-unit="{E(u.Unit)}" data-figure="{E(d.Indicator)}">{N(d.Points)}</td></tr>""");
        html.Append("</tbody></table></body></html>");
        return html.ToString();
    }
}
