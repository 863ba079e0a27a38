using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Attachments;

/// <summary>Attachments with the service's default limits (10 MiB a file, the upload endpoint's own body limit above the global 1 MiB) and their event.</summary>
[TestFixture]
public sealed class AttachmentDefaultsTests : ApiFixture
{
    private const int TenMiB = 10 * 1024 * 1024;

    [Test]
    public async Task Upload_LargerThanTheServicesGlobalBodyLimit_IsAccepted_EvenWithAnIdempotencyKey()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var png = Upload.Png(3 * 1024 * 1024);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tickets/{ticket.Id}/attachments") { Content = Upload.Files(("big.png", png)) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        var response = await _given.Requester.Http.SendAsync(request);

        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        var item = (await response.Content.ReadFromJsonAsync<JsonObject>())!["items"]![0]!;
        Assert.That(item["sha256"]!.GetValue<string>(), Is.EqualTo(Upload.Sha256(png)));
    }

    [Test]
    public async Task Upload_OfTenMiBAndOneByte_Is413_AndTenMiBIsAccepted()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var over = await _given.Requester.Http.PostAsync($"/api/v1/tickets/{ticket.Id}/attachments", Upload.Files(("over.png", Upload.Png(TenMiB + 1))));
        var exact = await _given.Requester.Http.PostAsync($"/api/v1/tickets/{ticket.Id}/attachments", Upload.Files(("exact.png", Upload.Png(TenMiB))));

        var problem = await TicketClient.ExpectProblemAsync(over, HttpStatusCode.RequestEntityTooLarge);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:attachment-too-large"));
        await TicketClient.ExpectAsync(exact, HttpStatusCode.Created);
    }

    [Test]
    public async Task PublicAttachment_IsPublishedAsTicketAttachmentAdded_AndAnInternalOneIsNot()
    {
        using var receiver = WireMockServer.Start();
        receiver.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var subscribed = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url + "/hook", events = new[] { "ticket.attachment_added" } });
        await TicketClient.ExpectAsync(subscribed, HttpStatusCode.Created);
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        var png = Upload.Png(2000);
        await TicketClient.ExpectAsync(await _given.Engineer.Http.PostAsync($"/api/v1/tickets/{ticket.Id}/attachments",
            Upload.Form("Internal", ("internal.txt", "internal trace"u8.ToArray()))), HttpStatusCode.Created);
        await TicketClient.ExpectAsync(await _given.Requester.Http.PostAsync($"/api/v1/tickets/{ticket.Id}/attachments",
            Upload.Files(("screen.png", png))), HttpStatusCode.Created);

        var dispatcher = _app.Services.GetRequiredService<OutboxDispatcher>();
        await dispatcher.RunPassAsync(CancellationToken.None);
        await dispatcher.RunPassAsync(CancellationToken.None);

        var events = receiver.LogEntries.Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).Where(e => e["ticket"]!["id"]!.GetValue<long>() == ticket.Id).ToList();
        Assert.That(events.Select(e => e["type"]!.GetValue<string>()), Is.EqualTo(new[] { "ticket.attachment_added" }));
        Assert.That(events[0]["details"]!["sha256"]!.GetValue<string>(), Is.EqualTo(Upload.Sha256(png)));
        Assert.That(events[0]["details"]!["name"]!.GetValue<string>(), Is.EqualTo("screen.png"));
    }
}
