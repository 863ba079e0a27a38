using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Itsm.Infrastructure.Email;

/// <summary>What one e-mail is about: a notification, with its ticket's number and title when it is about a ticket.</summary>
public sealed record EmailContent(string Type, long? TicketId, string? TicketNumber, string? TicketTitle, long? InspectionRunId, string? Subject,
    string Details, DateTimeOffset CreatedAt, string UserName);

/// <summary>
/// The e-mail for a notification, in Chinese or English: a subject naming the ticket, and a plain-text body (nothing a
/// mail client could run) with the notification's details and, when <c>PublicBaseUrl</c> is set, a link to the ticket.
/// A notification type without its own wording still goes out, named by its type.
/// </summary>
public static class EmailTemplates
{
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>(Chinese, English) subject line per type; {0} is what it is about (a ticket's number, a run, a subject).</summary>
    private static readonly Dictionary<string, (string Chinese, string English)> Subjects = new()
    {
        ["sla.warning"] = ("工单 {0} 即将超出服务时限", "Ticket {0} is close to its service-level target"),
        ["sla.breached"] = ("工单 {0} 已超出服务时限", "Ticket {0} has breached its service-level target"),
        ["evaluation.overdue"] = ("变更 {0} 的评价已逾期", "The evaluation of change {0} is overdue"),
        ["escalation.failed"] = ("工单 {0} 上报总部失败", "Escalating ticket {0} to headquarters failed"),
        ["inspection.missed"] = ("巡检 {0} 未按时完成", "Inspection {0} was missed"),
    };

    public static (string Subject, string Body) Render(EmailContent content, string language, string? publicBaseUrl)
    {
        var chinese = language == EmailLanguages.Chinese;
        var about = content.TicketNumber ?? (content.InspectionRunId is { } run ? $"#{run}" : content.Subject ?? "");
        var subject = Subjects.TryGetValue(content.Type, out var wording)
            ? string.Format(CultureInfo.InvariantCulture, chinese ? wording.Chinese : wording.English, about)
            : chinese ? $"新通知：{content.Type} {about}".TrimEnd() : $"New notification: {content.Type} {about}".TrimEnd();

        var body = new StringBuilder();
        body.AppendLine(chinese ? $"{content.UserName}，您好：" : $"Hello {content.UserName},").AppendLine();
        body.AppendLine(subject + (chinese ? "。" : "."));
        body.AppendLine();
        if (content.TicketNumber is not null)
            body.AppendLine((chinese ? "工单：" : "Ticket: ") + content.TicketNumber + (content.TicketTitle is { } title ? $" {title}" : ""));
        if (content.InspectionRunId is { } inspection) body.AppendLine((chinese ? "巡检记录：" : "Inspection run: ") + inspection);
        if (content.Subject is { } about2) body.AppendLine((chinese ? "对象：" : "About: ") + about2);
        body.AppendLine((chinese ? "时间：" : "When: ") + When(content.CreatedAt, chinese));
        foreach (var (name, value) in Details(content.Details)) body.AppendLine($"{name}: {value}");
        if (content.TicketId is { } ticketId && !string.IsNullOrWhiteSpace(publicBaseUrl))
            body.AppendLine().AppendLine((chinese ? "查看工单：" : "Open the ticket: ") + $"{publicBaseUrl.TrimEnd('/')}/api/v1/tickets/{ticketId}");
        body.AppendLine().AppendLine(chinese
            ? "此邮件由 IT 服务管理系统自动发送。如不希望接收邮件通知，可在个人设置中关闭。"
            : "This e-mail was sent by the IT service management system. You can switch e-mail notifications off in your settings.");
        return (subject, body.ToString());
    }

    private static string When(DateTimeOffset at, bool chinese) => chinese
        ? TimeZoneInfo.ConvertTime(at, China).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "（北京时间）"
        : at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>The notification's details, one line per plain value (the ticket's number and title are shown above).</summary>
    private static IEnumerable<(string Name, string Value)> Details(string json)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException) { yield break; }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) yield break;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name is "ticket" or "title") continue;
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => null,
                };
                if (!string.IsNullOrEmpty(value)) yield return (property.Name, value);
            }
        }
    }
}
