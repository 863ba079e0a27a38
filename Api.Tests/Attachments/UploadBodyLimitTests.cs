using System.Net;
using System.Net.Http.Json;
using System.Text;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Attachments;

/// <summary>On the real web server (Kestrel enforces body limits; the in-memory test server does not): the upload endpoint
/// has its own limit while every other endpoint keeps the service's 1 MiB.</summary>
[TestFixture]
public sealed class UploadBodyLimitTests
{
    private ItsmApp _app = null!;
    private HttpClient _requester = null!;
    private Given _given = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _app = new ItsmApp(new Dictionary<string, string?> { ["Attachments:MaxFileBytes"] = (2 * 1024 * 1024).ToString() });
        _app.UseKestrel(0);
        _app.StartServer();
        _given = new Given(_app);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "localhost");
        _requester = new HttpClient { BaseAddress = new Uri(address) };
        _requester.DefaultRequestHeaders.Add("X-Api-Key", Keys.JsRequester);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _requester.Dispose();
        _given.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task Upload_OfMoreThanOneMiB_IsAccepted_WhileAJsonBodyOfThatSize_Is413()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var png = Upload.Png(1536 * 1024);

        var upload = await _requester.PostAsync($"/api/v1/tickets/{ticket.Id}/attachments", Upload.Files(("scan.png", png)));
        var comment = await _requester.PostAsync($"/api/v1/tickets/{ticket.Id}/comments",
            new StringContent($$"""{"body":"{{new string('x', 1536 * 1024)}}"}""", Encoding.UTF8, "application/json"));

        await TicketClient.ExpectAsync(upload, HttpStatusCode.Created);
        await TicketClient.ExpectProblemAsync(comment, HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task Upload_OverItsFileLimit_Is413OnTheRealServer()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var upload = await _requester.PostAsync($"/api/v1/tickets/{ticket.Id}/attachments", Upload.Files(("huge.png", Upload.Png(2 * 1024 * 1024 + 1))));

        var problem = await TicketClient.ExpectProblemAsync(upload, HttpStatusCode.RequestEntityTooLarge);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:attachment-too-large"));
    }
}
