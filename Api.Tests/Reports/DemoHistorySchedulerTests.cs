using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Reports;

/// <summary>
/// The demo history is played with the service's own scheduler passes at the moments they fall due: nothing the scheduler
/// should have done during the two months is left to the service's first start.
/// </summary>
[TestFixture]
public sealed class DemoHistorySchedulerTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Test]
    public async Task DemoHistory_SchedulerWorkDuringTheHistory_HappensWhenDueNotAtStart()
    {
        using var app = new ItsmApp(new Dictionary<string, string?> { ["Reports:DemoHistory"] = "true" });
        var start = app.Clock.GetUtcNow();
        using var manager = app.As(Keys.JsItManager);
        var tickets = new List<JsonNode>();
        for (string? cursor = null; ;)
        {
            var page = await manager.GetJsonAsync("/api/v1/tickets?limit=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            tickets.AddRange(page["items"]!.AsArray().Select(t => t!));
            if ((cursor = page["nextCursor"]?.GetValue<string>()) is null) break;
        }
        var demo = tickets.Where(t => t["unit"]!.GetValue<string>() == "JS" && t["createdAt"]!.GetValue<DateTimeOffset>() < start).ToList();
        Assert.That(demo, Has.Count.GreaterThan(50));

        var closedInOctober = 0;
        var (october, november) = (Local(2026, 10, 1), Local(2026, 11, 1));
        var faults = new List<string>();
        foreach (var ticket in demo)
        {
            var number = ticket["number"]!.GetValue<string>();
            var history = (await manager.GetJsonAsync($"/api/v1/tickets/{ticket["id"]}/history?limit=200"))["items"]!.AsArray().Select(e => e!).ToList();
            DateTimeOffset At(JsonNode e) => e["at"]!.GetValue<DateTimeOffset>();
            string Action(JsonNode e) => e["action"]!.GetValue<string>();
            foreach (var entry in history.Where(e => e["actor"]!.GetValue<string>() == "system" && At(e) >= start.AddMinutes(-1)))
                faults.Add($"{number}: {Action(entry)} by the scheduler at the start instant");
            if (history.LastOrDefault(e => Action(e) == "auto-close") is { } autoClose
                && ticket["resolution"]?["confirmationDue"]?.GetValue<DateTimeOffset>() is { } due
                && (At(autoClose) < due || At(autoClose) > due.AddMinutes(1)))
                faults.Add($"{number}: auto-closed at {At(autoClose):O}, confirmation was due {due:O}");
            var lastReopen = history.FindLastIndex(e => Action(e) == "reopen");
            if (lastReopen >= 0 && !history.Skip(lastReopen).Any(e => Action(e) == "resolve") && At(history[lastReopen]) < start.AddHours(-10))
                faults.Add($"{number}: reopened at {At(history[lastReopen]):O} and never resolved again");
            if (history.LastOrDefault(e => e["to"]?.GetValue<string>() == "Closed") is { } closed && At(closed) >= october && At(closed) < november)
                closedInOctober++;
        }
        Assert.That(faults, Is.Empty);

        var report = await manager.GetJsonAsync("/api/v1/reports/work?unit=JS&from=2026-10-01&to=2026-11-01");
        Assert.That(report["volumes"]!["closed"]!["total"]!.GetValue<int>(), Is.EqualTo(closedInOctober));
    }

    private static DateTimeOffset Local(int year, int month, int day)
    {
        var local = new DateTime(year, month, day);
        return new DateTimeOffset(local, Shanghai.GetUtcOffset(local)).ToUniversalTime();
    }
}
