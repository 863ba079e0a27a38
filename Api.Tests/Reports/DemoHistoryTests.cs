using System.Diagnostics;
using System.Net;
using Itsm.Api.Tests.Setup;
using PuppeteerSharp;

namespace Itsm.Api.Tests.Reports;

/// <summary>The demo organisation comes with two months of history, so that its work report has something to say.</summary>
[TestFixture]
public sealed class DemoHistoryTests
{
    [Test]
    public async Task DemoHistory_SeededInSeconds_FillsTheDemoReport()
    {
        var watch = Stopwatch.StartNew();
        using var app = new ItsmApp(new Dictionary<string, string?> { ["Reports:DemoHistory"] = "true" });
        using var manager = app.As(Keys.JsItManager);
        var report = await manager.GetJsonAsync("/api/v1/reports/work?unit=JS&from=2026-11-01&to=2026-12-01");
        var seeding = watch.Elapsed;

        // Start-up and seeding; the bound leaves room for a loaded CI runner.
        Assert.That(seeding, Is.LessThan(TimeSpan.FromSeconds(60)));
        Assert.That(report["volumes"]!["raised"]!["total"]!.GetValue<int>(), Is.GreaterThan(30));
        Assert.That(report["volumes"]!["resolved"]!["total"]!.GetValue<int>(), Is.GreaterThan(25));
        Assert.That(report["timeToResolve"]!["count"]!.GetValue<int>(), Is.GreaterThan(25));
        Assert.That(report["satisfaction"]!["responses"]!.GetValue<int>(), Is.GreaterThan(10));
        Assert.That(report["previous"]!["volumes"]!["raised"]!["total"]!.GetValue<int>(), Is.GreaterThan(5), "October's last days are in the history too");
        TestContext.Out.WriteLine($"Start-up with the demo history: {seeding.TotalSeconds:F1} s");
        if (Environment.GetEnvironmentVariable("REPORT_SCREENSHOT") is { Length: > 0 } path) await ScreenshotAsync(manager, path);
    }

    [Test]
    public async Task DemoHistory_PreviousFullMonth_HasChangesInspectionsAndDataQuality()
    {
        using var app = new ItsmApp(new Dictionary<string, string?> { ["Reports:DemoHistory"] = "true" });
        using var manager = app.As(Keys.JsItManager);
        // The fake clock stands at 1 December 2026: November is the last full month.
        var report = await manager.GetJsonAsync("/api/v1/reports/work?unit=JS&from=2026-11-01&to=2026-12-01");

        int Figure(string section, string name) => report[section]![name]!.GetValue<int>();
        Assert.Multiple(() =>
        {
            Assert.That(Figure("changes", "requested"), Is.GreaterThan(0));
            Assert.That(Figure("changes", "approved"), Is.GreaterThan(0));
            Assert.That(Figure("changes", "evaluated"), Is.GreaterThan(0));
            Assert.That(Figure("changes", "evaluatedEffective"), Is.GreaterThan(0));
            Assert.That(Figure("changes", "evaluationOverdue"), Is.GreaterThan(0));
            Assert.That(Figure("inspections", "scheduled"), Is.GreaterThan(0));
            Assert.That(Figure("inspections", "passed"), Is.GreaterThan(0));
            Assert.That(Figure("inspections", "missed"), Is.GreaterThan(0));
            Assert.That(Figure("dataQualityIssues", "raised"), Is.GreaterThan(0));
        });
        TestContext.Out.WriteLine(report["changes"]!.ToJsonString() + " " + report["inspections"]!.ToJsonString());
    }

    /// <summary>The Chinese page of the demo's November, as a PNG (REPORT_SCREENSHOT=docs/work-report-zh.png) for the README.</summary>
    private static async Task ScreenshotAsync(TicketClient manager, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/work?unit=JS&from=2026-11-01&to=2026-12-01&includeSubunits=true&lang=zh-CN");
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("text/html");
        var response = await manager.Http.SendAsync(request);
        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        await using var browser = await Browser.LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 794, Height = 1123 });
        await page.SetContentAsync(await response.Content.ReadAsStringAsync());
        await page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
    }
}
