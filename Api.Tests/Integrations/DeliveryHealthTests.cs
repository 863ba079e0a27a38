using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Integrations;

/// <summary>The outbox metrics a provincial IT manager sees cover their scope only; HQ's IT managers see everything.</summary>
[TestFixture]
public sealed class DeliveryHealthTests
{
    private ItsmApp _app = null!;

    [SetUp]
    public void Start() => _app = new ItsmApp();

    [TearDown]
    public void Stop() => _app.Dispose();

    [Test]
    public async Task OutboxMetrics_OfAProvincialManager_CoverOnlyTheirUnitsTicketsAndSubscriptions()
    {
        using var js = _app.As(Keys.JsItManager);
        using var zj = _app.As(Keys.ZjItManager);
        using var hq = _app.As(Keys.HqItManager);
        using var requester = _app.As(Keys.JsRequester);
        await TicketClient.ExpectAsync(await js.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hook" }), HttpStatusCode.Created);
        await requester.CreateAsync();
        await requester.CreateAsync();

        var ofJs = await js.GetJsonAsync("/api/v1/integrations/outbox");
        var ofZj = await zj.GetJsonAsync("/api/v1/integrations/outbox");
        var ofHq = await hq.GetJsonAsync("/api/v1/integrations/outbox");

        Assert.That(ofJs["outbox"]!["undispatchedEvents"]!.GetValue<long>(), Is.EqualTo(2));
        Assert.That(ofJs["subscriptions"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(ofZj["outbox"]!["undispatchedEvents"]!.GetValue<long>(), Is.EqualTo(0), "JS's events are not ZJ's");
        Assert.That(ofZj["subscriptions"]!.AsArray(), Is.Empty, "nor its subscriptions");
        Assert.That(ofHq["outbox"]!["undispatchedEvents"]!.GetValue<long>(), Is.EqualTo(2));
        Assert.That(ofHq["subscriptions"]!.AsArray(), Has.Count.EqualTo(1));
    }
}
