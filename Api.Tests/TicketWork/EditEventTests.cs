using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.TicketWork;

/// <summary>Subscribers hear of an edit as <c>ticket.updated</c>, with each changed field's old and new value.</summary>
[TestFixture]
public sealed class EditEventTests
{
    [Test]
    public async Task Edit_IsPublishedAsTicketUpdatedWithOldAndNewValues()
    {
        using var receiver = WireMockServer.Start();
        receiver.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        using var app = new ItsmApp();
        using var given = new Given(app);
        await TicketClient.ExpectAsync(await given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks",
            new { url = receiver.Url + "/hook", events = new[] { "ticket.updated" } }), HttpStatusCode.Created);
        var ticket = await given.Requester.CreateAsync();
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{ticket.Id}")
        {
            Content = new StringContent("""{"urgency":"High"}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await TicketClient.ExpectAsync(await given.ServiceDesk.Http.SendAsync(request), HttpStatusCode.OK);

        await app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);

        var payload = JsonNode.Parse(receiver.LogEntries.Single().RequestMessage.Body!)!;
        Assert.That(payload["type"]!.GetValue<string>(), Is.EqualTo("ticket.updated"));
        Assert.That(payload["ticket"]!["priority"]!.GetValue<string>(), Is.EqualTo("P2"));
        var urgency = payload["details"]!["changes"]!["urgency"]!;
        Assert.That((urgency["old"]!.GetValue<string>(), urgency["new"]!.GetValue<string>()), Is.EqualTo(("Medium", "High")));
    }
}
