using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Configuration;

/// <summary>Resolving a configuration change keeps the inventory: its new values are versions of the ticket, saved with the resolve or not at all.</summary>
[TestFixture]
public sealed class ConfigurationChangeTests
{
    private ItsmApp _app = null!;
    private Given _given = null!;
    private TicketClient _zjManager = null!;
    private WireMockServer _receiver = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _receiver = WireMockServer.Start();
        _receiver.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        _given = new Given(_app = new ItsmApp());
        _zjManager = _app.As(Keys.ZjItManager);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _zjManager.Dispose();
        _given.Dispose();
        _app.Dispose();
        _receiver.Stop();
    }

    /// <summary>A configuration change of JS's ERP, approved and in progress with the engineer.</summary>
    private async Task<TicketResponse> ApprovedChangeAsync(Category category = Category.ConfigurationChange)
    {
        var pending = await _given.TicketIn(TicketStatus.PendingApproval, category, "Open the December posting period");
        return await _given.Approver.ActOkAsync(pending.Id, "approve", new { comment = "Go ahead" });
    }

    private static object Resolve(object? inventory = null, string? unchanged = null, bool? manualsUpdated = true) => new
    {
        code = "ChangeImplemented", resolution = "Done", testResult = "Posted a test document: accepted",
        inventory, inventoryUnchanged = unchanged, manualsUpdated, manualsNote = "Month-end manual, section 3",
    };

    private async Task AssertUnchangedAsync(TicketResponse ticket)
    {
        var now = await _given.Engineer.GetAsync(ticket.Id);
        Assert.That(now.Headers.ETag!.Tag, Is.EqualTo($"\"{ticket.Version}\""), "nothing was saved: the ETag stays");
        Assert.That((await _given.Engineer.GetTicketAsync(ticket.Id)).Status, Is.EqualTo(TicketStatus.InProgress));
    }

    [Test]
    public async Task Resolve_WithInventory_WritesVersionsOfTheTicket_CreatesAnUnknownKey_AndTheTicketListsThem()
    {
        var change = await ApprovedChangeAsync();

        var resolved = await _given.Engineer.ActOkAsync(change.Id, "resolve", Resolve(new object[]
        {
            new { key = "posting.period.open", environment = "Production", value = "2026-12" },
            new { key = "posting.period.close-reminder", environment = "Production", value = "3 days" },
        }), change.Version);

        Assert.That(resolved.Inventory!.Select(v => (v.Key, v.Version, v.Value, v.CreatedBy.ToString())), Is.EquivalentTo(new[]
        {
            ("posting.period.open", 3, "2026-12", "Inventory"), ("posting.period.close-reminder", 1, "3 days", "Change"),
        }));
        var item = await Inventory.ItemAsync(_given.Requester, "ERP", "posting.period.open");
        var latest = item["versions"]![0]!;
        Assert.That((item["value"]!.GetValue<string>(), latest["ticket"]!.GetValue<long>(), latest["changedBy"]!.GetValue<string>()),
            Is.EqualTo(("2026-12", change.Id, "js-engineer")));
        var created = await Inventory.ItemAsync(_given.Requester, "ERP", "posting.period.close-reminder");
        Assert.That((created["createdBy"]!.GetValue<string>(), created["unit"]!.GetValue<string>()), Is.EqualTo(("Change", "JS")));
        Assert.That((await _given.Requester.GetTicketAsync(change.Id)).Inventory!.Count, Is.EqualTo(2), "reading the ticket lists them too");
    }

    [Test]
    public async Task Resolve_AConfigurationChangeSayingNothingOfTheInventory_Is422_AndChangesNothing()
    {
        var change = await ApprovedChangeAsync();

        var problem = await TicketClient.ExpectProblemAsync(await _given.Engineer.ActAsync(change.Id, "resolve", Given.ChangeResolved(), change.Version),
            HttpStatusCode.UnprocessableEntity);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:inventory-not-stated"));
        await AssertUnchangedAsync(change);
    }

    [Test]
    public async Task Resolve_WithBothInventoryAndUnchanged_OrWithoutManualsUpdated_Is422()
    {
        var change = await ApprovedChangeAsync();
        var item = new[] { new { key = "both.key", environment = "Production", value = "1" } };

        var both = await _given.Engineer.ActAsync(change.Id, "resolve", Resolve(item, "nothing changed"), change.Version);
        var noManuals = await _given.Engineer.ActAsync(change.Id, "resolve", Resolve(unchanged: "A runtime switch", manualsUpdated: null), change.Version);

        await TicketClient.ExpectProblemAsync(both, HttpStatusCode.UnprocessableEntity);
        Assert.That((await TicketClient.ExpectProblemAsync(noManuals, HttpStatusCode.UnprocessableEntity))["detail"]!.GetValue<string>(),
            Does.Contain("manualsUpdated"));
        await AssertUnchangedAsync(change);
    }

    [Test]
    public async Task Resolve_WithInventoryUnchanged_ResolvesWithNoVersions()
    {
        var change = await ApprovedChangeAsync();

        var resolved = await _given.Engineer.ActOkAsync(change.Id, "resolve", Resolve(unchanged: "Only the batch job's schedule moved"), change.Version);

        Assert.That((resolved.Status, resolved.Inventory!.Count), Is.EqualTo((TicketStatus.Resolved, 0)));
    }

    [Test]
    public async Task Resolve_WithAnItemThatCannotBeWritten_SavesNeitherTheResolveNorAnyVersion()
    {
        await Inventory.CreatedAsync(_given.ItManager, "ERP", new { key = "atomic.first", environment = "Production", value = "1" });
        await Inventory.CreatedAsync(_given.ItManager, "ERP", new { key = "atomic.same", environment = "Production", value = "x" });
        var change = await ApprovedChangeAsync();

        var response = await _given.Engineer.ActAsync(change.Id, "resolve", Resolve(new object[]
        {
            new { key = "atomic.first", environment = "Production", value = "2" },
            new { key = "atomic.new", environment = "Production", value = "n" },
            new { key = "atomic.same", environment = "Production", value = "x" },
        }), change.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("atomic.same"));
        await AssertUnchangedAsync(change);
        var first = await Inventory.ItemAsync(_given.Requester, "ERP", "atomic.first");
        Assert.That((first["value"]!.GetValue<string>(), first["versions"]!.AsArray().Count), Is.EqualTo(("1", 1)));
        await TicketClient.ExpectProblemAsync(await _given.Requester.Http.GetAsync($"{Inventory.Items("ERP")}/atomic.new"), HttpStatusCode.NotFound);
        Assert.That((await _given.Engineer.GetTicketAsync(change.Id)).Inventory, Is.Empty);
    }

    [Test]
    public async Task Resolve_NamingAnotherProvincesItem_Is422()
    {
        await Inventory.CreatedAsync(_zjManager, "ERP", new { key = "zj.posting.rule", environment = "Production", value = "zj" });
        var change = await ApprovedChangeAsync();

        var response = await _given.Engineer.ActAsync(change.Id, "resolve",
            Resolve(new[] { new { key = "zj.posting.rule", environment = "Production", value = "js" } }), change.Version);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Not.Contain("ZJ").And.Not.Contain("is not a setting"),
            "the refusal neither names the item's unit nor says it is another unit's setting");
        await AssertUnchangedAsync(change);
        Assert.That((await Inventory.ItemAsync(_zjManager, "ERP", "zj.posting.rule"))["value"]!.GetValue<string>(), Is.EqualTo("zj"));
    }

    /// <summary>A JS configuration change escalated to HQ after its approval: HQ's engineer resolves it.</summary>
    private async Task<TicketResponse> EscalatedChangeAsync()
    {
        var approved = await ApprovedChangeAsync();
        return await _given.Engineer.ActOkAsync(approved.Id, "escalate", new { reason = "Needs a central switch", whatWasTried = "Set it locally" },
            approved.Version);
    }

    [Test]
    public async Task Resolve_ByHqNamingAnotherProvincesItem_Is422_BecauseTheTicketsUnitDecides()
    {
        await Inventory.CreatedAsync(_zjManager, "ERP", new { key = "zj.hq.rule", environment = "Production", value = "zj" });
        var change = await EscalatedChangeAsync();

        var response = await _given.HqEngineer.ActAsync(change.Id, "resolve",
            Resolve(new[] { new { key = "zj.hq.rule", environment = "Production", value = "js" } }), change.Version);

        Assert.That((await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity))["detail"]!.GetValue<string>(),
            Does.Contain("zj.hq.rule"));
        var now = await _given.Engineer.GetTicketAsync(change.Id);
        Assert.That((now.Status, now.Version), Is.EqualTo((TicketStatus.EscalatedToHq, change.Version)));
        Assert.That((await Inventory.ItemAsync(_zjManager, "ERP", "zj.hq.rule"))["value"]!.GetValue<string>(), Is.EqualTo("zj"));
    }

    [Test]
    public async Task Resolve_ByHqNamingTheTicketsUnitsItem_WritesItsVersion()
    {
        await Inventory.CreatedAsync(_given.ItManager, "ERP", new { key = "js.hq.rule", environment = "Production", value = "old" });
        var change = await EscalatedChangeAsync();

        var resolved = await _given.HqEngineer.ActOkAsync(change.Id, "resolve",
            Resolve(new[] { new { key = "js.hq.rule", environment = "Production", value = "new" } }), change.Version);

        Assert.That(resolved.Inventory!.Select(v => (v.Key, v.Version, v.Value)), Is.EqualTo(new[] { ("js.hq.rule", 2, "new") }));
    }

    [Test]
    public async Task Resolve_WithAnOverlongValue_Is400_AndAnotherWorkTypeWithInventory_Is400()
    {
        var change = await ApprovedChangeAsync();
        var dataChange = await ApprovedChangeAsync(Category.DataChange);

        var overlong = await _given.Engineer.ActAsync(change.Id, "resolve",
            Resolve(new[] { new { key = "long.one", environment = "Production", value = new string('x', 4001) } }), change.Version);
        var notConfiguration = await _given.Engineer.ActAsync(dataChange.Id, "resolve", Resolve(unchanged: "n/a"), dataChange.Version);

        await TicketClient.ExpectProblemAsync(overlong, HttpStatusCode.BadRequest);
        Assert.That((await TicketClient.ExpectProblemAsync(notConfiguration, HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key),
            Is.EquivalentTo(new[] { "inventoryUnchanged", "manualsUpdated", "manualsNote" }));
        await AssertUnchangedAsync(change);
    }

    [Test]
    public async Task Resolve_WithInventory_PublishesConfigurationChanged()
    {
        var subscribed = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url + "/hook", events = new[] { "configuration.changed" } });
        await TicketClient.ExpectAsync(subscribed, HttpStatusCode.Created);
        var change = await ApprovedChangeAsync();

        await _given.Engineer.ActOkAsync(change.Id, "resolve",
            Resolve(new[] { new { key = "event.key", environment = "Test", value = "on" } }), change.Version);
        await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);
        await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);

        var events = _receiver.LogEntries.Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).ToList();
        var configuration = events.Single(e => e["configuration"]!["ticket"]?.GetValue<long>() == change.Id)["configuration"]!;
        Assert.That(configuration["system"]!.GetValue<string>(), Is.EqualTo("ERP"));
        Assert.That(configuration["items"]![0]!["key"]!.GetValue<string>(), Is.EqualTo("event.key"));
    }
}
