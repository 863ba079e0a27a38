using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Retention;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Integrations;

/// <summary>Finished deliveries and their events are purged after their retention; what may still be sent is kept.</summary>
[TestFixture]
public sealed class RetentionTests
{
    private WireMockServer _receivers = null!;
    private ItsmApp _app = null!;
    private Given _given = null!;

    [SetUp]
    public void Start()
    {
        _receivers = WireMockServer.Start();
        _receivers.Given(Request.Create().WithPath("/ok").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        _receivers.Given(Request.Create().WithPath("/down").UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        _given = new Given(_app = new ItsmApp(new Dictionary<string, string?> { ["Retention:DeliveriesDays"] = "30", ["Retention:DeliveredEventsDays"] = "30" }));
    }

    [TearDown]
    public void Stop()
    {
        _given.Dispose();
        _app.Dispose();
        _receivers.Stop();
    }

    private async Task<string> SubscribeAsync(string path)
    {
        var response = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = _receivers.Url + path, events = new[] { "ticket.created" } });
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["webhook"]!["id"]!.GetValue<string>();
    }

    private async Task<JsonArray> DeliveriesAsync(string subscription) =>
        (await _given.ItManager.GetJsonAsync($"/api/v1/webhooks/{subscription}/deliveries"))["items"]!.AsArray();

    private Task<PurgeResult> PurgeAsync() => _app.Services.GetRequiredService<RetentionPurge>().PurgeAsync(_app.Clock.GetUtcNow(), CancellationToken.None);

    private Task<DispatchPass> PassAsync() => _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);

    [Test]
    public async Task Purge_AfterTheRetention_DeletesFinishedDeliveriesAndTheirEventsButKeepsWhatIsStillPending()
    {
        var ok = await SubscribeAsync("/ok");
        var down = await SubscribeAsync("/down");
        await _given.Requester.CreateAsync();
        await PassAsync();

        _app.Clock.Advance(TimeSpan.FromDays(29));
        Assert.That(await PurgeAsync(), Is.EqualTo(new PurgeResult(0, 0, 0, 0, 0)), "nothing is old enough yet");
        _app.Clock.Advance(TimeSpan.FromDays(2));
        var purged = await PurgeAsync();

        Assert.That(purged.Deliveries, Is.EqualTo(1), "the delivered one");
        Assert.That(await DeliveriesAsync(ok), Is.Empty);
        Assert.That(purged.DeliveredEvents, Is.EqualTo(0), "the event is still needed by the pending delivery");
        _receivers.Given(Request.Create().WithPath("/down").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await PassAsync();
        Assert.That((await DeliveriesAsync(down)).Single()!["state"]!.GetValue<string>(), Is.EqualTo("Delivered"), "sent from the kept event");

        _app.Clock.Advance(TimeSpan.FromDays(31));
        purged = await PurgeAsync();
        Assert.That((purged.Deliveries, purged.DeliveredEvents), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task Purge_OfABacklogLargerThanABatch_DeletesAllInBatchesAskingForTheLeaseBetween()
    {
        var ticket = await _given.Requester.CreateAsync();
        var old = _app.Clock.GetUtcNow().AddDays(-100);
        var database = _app.Services.GetRequiredService<Itsm.Infrastructure.Sql.Database>();
        await database.WriteAsync(async (connection, transaction, ct) => await Dapper.SqlMapper.ExecuteAsync(connection, new Dapper.CommandDefinition(
            Itsm.Infrastructure.Sla.SlaSql.InsertNotification,
            Enumerable.Range(0, RetentionSql.Batch * 2 + 1).Select(_ => new
            {
                TicketId = ticket.Id, InspectionRunId = (long?)null, Subject = (string?)null, Type = "sla.warning", RecipientKind = "Group", Recipient = "JS-L2SYS", CreatedAt = old, Details = "{}",
            }), transaction, cancellationToken: ct)), CancellationToken.None);
        var asked = 0;

        var purged = await _app.Services.GetRequiredService<RetentionPurge>().PurgeAsync(_app.Clock.GetUtcNow(), CancellationToken.None,
            _ => { asked++; return Task.FromResult(true); });

        Assert.That(purged.Notifications, Is.EqualTo(RetentionSql.Batch * 2 + 1));
        Assert.That(asked, Is.EqualTo(2), "between the batches");
    }

    [Test]
    public async Task Purge_WhenTheLeaseIsLostBetweenBatches_StopsWhereItIs()
    {
        var ticket = await _given.Requester.CreateAsync();
        var old = _app.Clock.GetUtcNow().AddDays(-100);
        var database = _app.Services.GetRequiredService<Itsm.Infrastructure.Sql.Database>();
        await database.WriteAsync(async (connection, transaction, ct) => await Dapper.SqlMapper.ExecuteAsync(connection, new Dapper.CommandDefinition(
            Itsm.Infrastructure.Sla.SlaSql.InsertNotification,
            Enumerable.Range(0, RetentionSql.Batch + 10).Select(_ => new
            {
                TicketId = ticket.Id, InspectionRunId = (long?)null, Subject = (string?)null, Type = "sla.warning", RecipientKind = "Group", Recipient = "JS-L2SYS", CreatedAt = old, Details = "{}",
            }), transaction, cancellationToken: ct)), CancellationToken.None);

        var purged = await _app.Services.GetRequiredService<RetentionPurge>().PurgeAsync(_app.Clock.GetUtcNow(), CancellationToken.None,
            _ => Task.FromResult(false));

        Assert.That(purged.Notifications, Is.EqualTo(RetentionSql.Batch));
    }
}
