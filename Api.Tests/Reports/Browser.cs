using PuppeteerSharp;

namespace Itsm.Api.Tests.Reports;

/// <summary>
/// Debian's Chromium, headless, for tests that look at a rendered page. Never downloads a browser: without one at
/// <c>CHROMIUM_PATH</c> (default /usr/bin/chromium) the test is skipped and says why.
/// </summary>
public static class Browser
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            Assert.Ignore($"No Chromium at {ExecutablePath}: install Debian's chromium and fonts-noto-cjk (as .ci/run does) to render reports.");
        return await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true, ExecutablePath = ExecutablePath, Browser = SupportedBrowser.Chromium,
            // Containers run tests as root, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }
}
