using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Tickets;

/// <summary>Hostile inputs found by attacking the running service: each is refused with a problem and changes nothing.</summary>
public sealed class BadInputEdgeTests : ApiFixture
{
    [TestCase("https://exa\u202Emple.com/hook")]
    [TestCase("https://example.com/a\u0001b")]
    public async Task Webhook_WithControlOrBidiCharactersInTheUrl_Is400NamingUrl(string url)
    {
        using var manager = _app.As(Keys.JsItManager);

        var response = await manager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "ticket.created" } });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!["url"], Is.Not.Null, problem.ToJsonString());
    }

    [Test]
    public async Task Webhook_WithAHostLongerThanDnsAllows_Is400()
    {
        using var manager = _app.As(Keys.JsItManager);
        var host = string.Join('.', Enumerable.Repeat(new string('a', 60), 5)) + ".example";

        var response = await manager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = $"https://{host}/hook" });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!["url"], Is.Not.Null, problem.ToJsonString());
    }

    [Test]
    public async Task Units_NestedUntilThePathWouldOutgrowItsColumn_Are422NotA500()
    {
        using var hq = _app.As(Keys.HqItManager);
        var (parent, last) = ("HQ", HttpStatusCode.Created);

        for (var depth = 0; depth < 20 && last == HttpStatusCode.Created; depth++)
        {
            var id = $"D{depth:D2}" + new string('X', 29);
            var response = await hq.Http.PostAsJsonAsync("/api/v1/admin/units", new { id, name = $"Depth {depth}", parent });
            last = response.StatusCode;
            if (last == HttpStatusCode.Created) parent = id;
            else Assert.That((await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity))["detail"]!.GetValue<string>(), Does.Contain("450"));
        }

        Assert.That(last, Is.EqualTo(HttpStatusCode.UnprocessableEntity), "the tree stops growing before its path outgrows the column");
    }

    [Test]
    public async Task Request_WithTwoIdempotencyKeyHeaders_Is400AndCreatesNothing()
    {
        var before = (await _given.Requester.GetJsonAsync("/api/v1/tickets?limit=200"))["items"]!.AsArray().Count;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets") { Content = JsonContent.Create(TicketClient.NewTicket()) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", ["first-key", "second-key"]);

        var response = await _given.Requester.Http.SendAsync(request);

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That((await _given.Requester.GetJsonAsync("/api/v1/tickets?limit=200"))["items"]!.AsArray(), Has.Count.EqualTo(before));
    }
}
