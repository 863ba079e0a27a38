using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PuppeteerSharp;

namespace Itsm.Api.Tests.Attachments;

/// <summary>
/// A person attaches a screenshot through Swagger UI in a real browser (headless Chromium): the document must describe the
/// upload as a file picker for this to work. The browser is the system's own (Debian's <c>chromium</c>); none is downloaded,
/// and without one the test is skipped.
/// </summary>
[TestFixture]
public sealed class SwaggerUiUploadTests
{
    private static readonly string[] Browsers = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    [Test]
    public async Task SwaggerUi_UploadsAFileChosenInItsFilePicker()
    {
        var executable = Environment.GetEnvironmentVariable("ITSM_CHROMIUM") is { Length: > 0 } configured ? configured : Browsers.FirstOrDefault(File.Exists);
        if (executable is null || !File.Exists(executable))
            Assert.Ignore("No Chromium on this machine (install Debian's chromium, or set ITSM_CHROMIUM): the Swagger UI upload is not driven.");

        using var app = new ItsmApp();
        app.UseKestrel(0);
        app.StartServer();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "localhost");
        var given = new Given(app);
        var ticket = await given.TicketIn(TicketStatus.New);
        var screenshot = Upload.Png(30_000);
        var file = Path.Combine(app.Directory, "登录错误.png");
        await File.WriteAllBytesAsync(file, screenshot);

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true, ExecutablePath = executable, Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        await using var page = await browser.NewPageAsync();
        page.DefaultTimeout = 30_000;
        await page.GoToAsync($"{baseUrl}/swagger/index.html", WaitUntilNavigation.Networkidle0);

        await page.ClickAsync("button.authorize");
        var keyInput = await page.WaitForSelectorAsync(".auth-container input[type=text], .auth-container input[type=password]");
        await keyInput.TypeAsync(Keys.JsRequester);
        await page.ClickAsync(".auth-container .auth-btn-wrapper button.authorize");
        await page.ClickAsync(".btn-done");

        var operation = "#operations-Attachments-AddAttachments";
        await page.ClickAsync($"{operation} .opblock-summary");
        await (await page.WaitForSelectorAsync($"{operation} .try-out__btn"))!.ClickAsync();
        await (await page.WaitForSelectorAsync($"{operation} tr[data-param-name=\"id\"] input"))!.TypeAsync(ticket.Id.ToString());
        await page.WaitForSelectorAsync($"{operation} .opblock-section-request-body");
        if (await page.QuerySelectorAsync($"{operation} input[type=file]") is null)
            await page.ClickAsync($"{operation} .json-schema-form-item-add");
        var picker = (IElementHandle)(await page.WaitForSelectorAsync($"{operation} input[type=file]"))!;
        await picker.UploadFileAsync(file);
        await page.ClickAsync($"{operation} .execute");
        var status = await page.WaitForSelectorAsync($"{operation} .live-responses-table tr.response .response-col_status");

        Assert.That((await status.EvaluateFunctionAsync<string>("e => e.textContent")).Trim(), Does.StartWith("201"));
        var listed = (await given.Requester.Http.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket.Id}/attachments"))!["items"]!.AsArray();
        Assert.That(listed.Select(a => (a!["name"]!.GetValue<string>(), a["sha256"]!.GetValue<string>())),
            Is.EqualTo(new[] { ("登录错误.png", Upload.Sha256(screenshot)) }));
        given.Dispose();
    }
}
