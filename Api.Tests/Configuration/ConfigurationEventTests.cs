using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Configuration;

/// <summary>Items entered without a ticket are announced too: one <c>configuration.changed</c> per item created, one per import.</summary>
[TestFixture]
public sealed class ConfigurationEventTests
{
    private ItsmApp _app = null!;
    private Given _given = null!;
    private WireMockServer _receiver = null!;

    [SetUp]
    public void Start()
    {
        _receiver = WireMockServer.Start();
        _receiver.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        _given = new Given(_app = new ItsmApp());
    }

    [TearDown]
    public void Stop()
    {
        _given.Dispose();
        _app.Dispose();
        _receiver.Stop();
    }

    private async Task<List<JsonNode>> DeliveredAsync()
    {
        var subscribed = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url + "/hook", events = new[] { "configuration.changed" } });
        await TicketClient.ExpectAsync(subscribed, HttpStatusCode.Created);
        await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);
        await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);
        return _receiver.LogEntries.Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).ToList();
    }

    [Test]
    public async Task Create_WithoutTicket_PublishesConfigurationChangedForTheItem()
    {
        await Inventory.CreatedAsync(_given.ItManager, "ERP", new { key = "evt.created.key", environment = "Production", value = "2026-12" });

        var events = await DeliveredAsync();

        var configuration = events.Single()["configuration"]!;
        Assert.That(events.Single()["type"]!.GetValue<string>(), Is.EqualTo("configuration.changed"));
        Assert.That((configuration["system"]!.GetValue<string>(), configuration["ticket"], configuration["source"]!.GetValue<string>(),
            configuration["count"]!.GetValue<int>()), Is.EqualTo(("ERP", (JsonNode?)null, "Create", 1)));
        var item = configuration["items"]![0]!;
        Assert.That((item["key"]!.GetValue<string>(), item["environment"]!.GetValue<string>(), item["unit"]!.GetValue<string>(), item["version"]!.GetValue<int>()),
            Is.EqualTo(("evt.created.key", "Production", "JS", 1)));
    }

    [Test]
    public async Task Import_WithoutTicket_PublishesOneConfigurationChangedWithTheCount()
    {
        await TicketClient.ExpectAsync(await Inventory.ImportAsync(_given.ItManager, "ERP",
            "key,environment,value,description\nevt.tax.city,Production,南京,税务区域\nevt.footer,Test,x,\nevt.lock,Production,on,\n"), HttpStatusCode.OK);

        var events = await DeliveredAsync();

        var configuration = events.Single()["configuration"]!;
        Assert.That((configuration["source"]!.GetValue<string>(), configuration["count"]!.GetValue<int>(), configuration["unit"]!.GetValue<string>(),
            configuration["items"]!.AsArray().Count), Is.EqualTo(("Import", 3, "JS", 0)));
    }

    [Test]
    public async Task Create_InAnotherProvince_IsNotDeliveredToThisProvincesSubscription()
    {
        using var zjManager = _app.As(Keys.ZjItManager);
        await Inventory.CreatedAsync(zjManager, "ERP", new { key = "zj.only", environment = "Production", value = "zj" });
        await Inventory.CreatedAsync(_given.ItManager, "ERP", new { key = "js.only", environment = "Production", value = "js" });

        var events = await DeliveredAsync();

        Assert.That(events.Select(e => e["configuration"]!["items"]![0]!["key"]!.GetValue<string>()), Is.EqualTo(new[] { "js.only" }));
    }
}
