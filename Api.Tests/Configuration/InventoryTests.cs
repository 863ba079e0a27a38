using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Configuration;

/// <summary>The configuration inventory kept by hand: entered, imported, listed, exported, within the caller's scope.</summary>
[TestFixture]
public sealed class InventoryTests
{
    private ItsmApp _app = null!;
    private TicketClient _jsManager = null!, _jsEngineer = null!, _jsRequester = null!, _zjManager = null!, _zjEngineer = null!, _hqManager = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _app = new ItsmApp();
        (_jsManager, _jsEngineer, _jsRequester) = (_app.As(Keys.JsItManager), _app.As(Keys.JsEngineer), _app.As(Keys.JsRequester));
        (_zjManager, _zjEngineer, _hqManager) = (_app.As(Keys.ZjItManager), _app.As(Keys.ZjEngineer), _app.As(Keys.HqItManager));
    }

    [OneTimeTearDown]
    public void Stop()
    {
        foreach (var client in new[] { _jsManager, _jsEngineer, _jsRequester, _zjManager, _zjEngineer, _hqManager }) client.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task Create_ByItManager_EntersVersionOneForTheirUnit_AndGetShowsItsVersions()
    {
        var created = await Inventory.CreatedAsync(_jsManager, "ERP", new { key = "create.test.limit", environment = "Production", value = "100", description = "A limit" });
        var read = await Inventory.ItemAsync(_jsRequester, "ERP", "create.test.limit");

        Assert.That((created["unit"]!.GetValue<string>(), created["version"]!.GetValue<int>(), created["createdBy"]!.GetValue<string>()),
            Is.EqualTo(("JS", 1, "Inventory")), "ERP belongs to HQ, outside a JS manager's scope: the item is JS's own");
        var version = read["versions"]!.AsArray().Single()!;
        Assert.That((version["value"]!.GetValue<string>(), version["changedBy"]!.GetValue<string>(), version["ticket"]),
            Is.EqualTo(("100", "js-itmanager", (JsonNode?)null)));
    }

    [Test]
    public async Task Create_ByLine2Engineer_Succeeds_ByRequesterIs403_ByAnotherProvincesEngineerForJsIs422()
    {
        var byEngineer = await Inventory.CreateAsync(_jsEngineer, "ESB", new { key = "engineer.entered", environment = "Test", value = "x" });
        var byRequester = await Inventory.CreateAsync(_jsRequester, "ESB", new { key = "requester.entered", environment = "Test", value = "x" });
        var outOfScope = await Inventory.CreateAsync(_zjEngineer, "ESB", new { key = "zj.for.js", environment = "Test", value = "x", unit = "JS" });

        await TicketClient.ExpectAsync(byEngineer, HttpStatusCode.Created);
        await TicketClient.ExpectProblemAsync(byRequester, HttpStatusCode.Forbidden);
        await TicketClient.ExpectProblemAsync(outOfScope, HttpStatusCode.UnprocessableEntity);
    }

    [Test]
    public async Task Create_TheSameKeyAndEnvironmentTwice_Is409_AndAnotherEnvironmentIsFine()
    {
        await Inventory.CreatedAsync(_jsManager, "ESB", new { key = "twice.key", environment = "Production", value = "1" });

        var again = await Inventory.CreateAsync(_jsManager, "ESB", new { key = "TWICE.key", environment = "production", value = "2" });
        var test = await Inventory.CreateAsync(_jsManager, "ESB", new { key = "twice.key", environment = "Test", value = "2" });

        var problem = await TicketClient.ExpectProblemAsync(again, HttpStatusCode.Conflict);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:configuration-item-exists"), "keys compare without case on both databases");
        await TicketClient.ExpectAsync(test, HttpStatusCode.Created);
    }

    [TestCase("value", 4001)]
    [TestCase("key", 201)]
    [TestCase("environment", 41)]
    [TestCase("description", 1001)]
    public async Task Create_WithTextOverItsColumnSize_Is400NamingTheField(string field, int length)
    {
        var body = new Dictionary<string, object> { ["key"] = "size.test", ["environment"] = "Test", ["value"] = "v" };
        body[field] = new string('a', length);

        var problem = await TicketClient.ExpectProblemAsync(await Inventory.CreateAsync(_jsManager, "ESB", body), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Does.Contain(field));
    }

    [Test]
    public async Task Create_WithAValueOfExactly4000Characters_IsStoredWhole()
    {
        var value = string.Concat(Enumerable.Repeat("配置", 2000));
        await Inventory.CreatedAsync(_jsManager, "ESB", new { key = "long.value", environment = "Test", value });

        Assert.That((await Inventory.ItemAsync(_jsManager, "ESB", "long.value", "Test"))["value"]!.GetValue<string>(), Is.EqualTo(value));
    }

    [Test]
    public async Task List_FiltersByEnvironmentAndKeyPrefix_AndPagesThroughEveryItemOnce()
    {
        var rows = string.Join("\n", Enumerable.Range(1, 23).Select(i => $"paging.item.{i:D2},Production,{i},"))
                   + "\npaging.item.01,Test,t,\nother.key,Production,o,";
        await TicketClient.ExpectAsync(await Inventory.ImportAsync(_zjManager, "HR", "key,environment,value,description\n" + rows), HttpStatusCode.OK);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _zjManager.GetJsonAsync($"{Inventory.Items("HR")}?environment=Production&key=paging.&limit=10" +
                                                    (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(Inventory.Keys(page));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        Assert.That(seen, Is.EqualTo(Enumerable.Range(1, 23).Select(i => $"paging.item.{i:D2}")));
        Assert.That(pages, Is.EqualTo(3));
    }

    [Test]
    public async Task ItemsOfAnotherUnit_AreNotFound_AndNotListed()
    {
        await Inventory.CreatedAsync(_zjManager, "ESB", new { key = "zj.only", environment = "Production", value = "zj" });

        var fromJs = await _jsManager.Http.GetAsync($"{Inventory.Items("ESB")}/zj.only?environment=Production");
        var listed = await _jsManager.GetJsonAsync($"{Inventory.Items("ESB")}?key=zj.");
        var fromHq = await Inventory.ItemAsync(_hqManager, "ESB", "zj.only");
        var systemNotUsed = await _zjManager.Http.GetAsync(Inventory.Items("JS-MKT"));

        await TicketClient.ExpectProblemAsync(fromJs, HttpStatusCode.NotFound);
        Assert.That(Inventory.Keys(listed), Is.Empty);
        Assert.That(fromHq["unit"]!.GetValue<string>(), Is.EqualTo("ZJ"), "headquarters sees every unit's items");
        await TicketClient.ExpectProblemAsync(systemNotUsed, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task ImportAndExport_RoundTripChineseTextAndQuotes_ThroughCsv()
    {
        const string csv = "key,environment,value,description\r\n" +
                           "report.tax.city,Production,江苏省南京市,税务区域\r\n" +
                           "mail.footer,Production,\"第一行\n第二行, \"\"引号\"\"\",页脚\r\n" +
                           "formula.like,Test,=1+2,\r\n";
        await TicketClient.ExpectAsync(await Inventory.ImportAsync(_zjManager, "ERP", csv, "?unit=ZJ-HZ"), HttpStatusCode.OK);

        var exported = await Inventory.CsvAsync(_zjManager, "ERP");
        await TicketClient.ExpectAsync(await Inventory.ImportAsync(_zjManager, "ESB", exported.Replace("ZJ-HZ", "ZJ")), HttpStatusCode.OK);

        var region = await Inventory.ItemAsync(_zjManager, "ESB", "report.tax.city");
        var footer = await Inventory.ItemAsync(_zjManager, "ESB", "mail.footer");
        Assert.That((region["value"]!.GetValue<string>(), region["description"]!.GetValue<string>()), Is.EqualTo(("江苏省南京市", "税务区域")));
        Assert.That(footer["value"]!.GetValue<string>(), Is.EqualTo("第一行\n第二行, \"引号\""));
        Assert.That(exported, Does.StartWith("key,environment,value,description,"));
        Assert.That((await Inventory.ItemAsync(_zjManager, "ERP", "report.tax.city"))["unit"]!.GetValue<string>(), Is.EqualTo("ZJ-HZ"));
    }

    [Test]
    public async Task Import_WithBadLines_Is422ListingEachLine_AndImportsNothing()
    {
        var csv = "key,environment,value,description\n" +
                  "bad.import.ok,Production,1,\n" +
                  "bad import key,Production,2,\n" +
                  "bad.import.long,Production," + new string('x', 4001) + ",\n" +
                  "bad.import.fields,Production\n" +
                  "bad.import.ok,Production,3,\n";

        var problem = await TicketClient.ExpectProblemAsync(await Inventory.ImportAsync(_jsManager, "HR", csv), HttpStatusCode.UnprocessableEntity);

        var lines = problem["lines"]!.AsArray().Select(l => l!["line"]!.GetValue<int>()).ToList();
        Assert.That(lines, Is.EqualTo(new[] { 3, 4, 5, 6 }));
        Assert.That(problem["lines"]![3]!["reason"]!.GetValue<string>(), Does.Contain("line 2"), "a duplicate names the line it repeats");
        Assert.That(Inventory.Keys(await _jsManager.GetJsonAsync($"{Inventory.Items("HR")}?key=bad.")), Is.Empty);
    }

    [Test]
    public async Task Import_OfAKeyTheSystemHas_Is422_AndImportsNothing()
    {
        await Inventory.CreatedAsync(_jsManager, "HR", new { key = "existing.key", environment = "Production", value = "1" });

        var response = await Inventory.ImportAsync(_jsManager, "HR", "key,environment,value\nfresh.key,Production,1\nexisting.key,Production,2\n");

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["lines"]!.AsArray().Select(l => l!["line"]!.GetValue<int>()), Is.EqualTo(new[] { 3 }));
        await TicketClient.ExpectProblemAsync(await _jsManager.Http.GetAsync($"{Inventory.Items("HR")}/fresh.key?environment=Production"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Import_ABadHeaderOrAnUnclosedQuote_Is422WithTheLine()
    {
        var header = await Inventory.ImportAsync(_jsManager, "HR", "name,environment,value\nx,Production,1\n");
        var quote = await Inventory.ImportAsync(_jsManager, "HR", "key,environment,value\nq.one,Production,1\nq.two,Production,\"open\n");

        Assert.That((await TicketClient.ExpectProblemAsync(header, HttpStatusCode.UnprocessableEntity))["lines"]![0]!["line"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That((await TicketClient.ExpectProblemAsync(quote, HttpStatusCode.UnprocessableEntity))["lines"]![0]!["line"]!.GetValue<int>(), Is.EqualTo(3));
    }

    [Test]
    public async Task Import_LargerThanTheUsualBodyLimit_IsAccepted_AndJsonIsNot()
    {
        var value = new string('v', 3000);
        var csv = "key,environment,value\n" + string.Join("\n", Enumerable.Range(1, 600).Select(i => $"big.import.{i},Production,{value}"));
        Assert.That(Encoding.UTF8.GetByteCount(csv), Is.GreaterThan(1024 * 1024));

        var imported = await Inventory.ImportAsync(_zjManager, "ESB", csv);
        var json = await _zjManager.PostJsonTextAsync(Inventory.Items("ESB") + ":import", "{}");

        await TicketClient.ExpectAsync(imported, HttpStatusCode.OK);
        Assert.That(JsonNode.Parse(await imported.Content.ReadAsStringAsync())!["imported"]!.GetValue<int>(), Is.EqualTo(600));
        await TicketClient.ExpectProblemAsync(json, HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task Export_HasTheDemoItemsOfErpForJiangsu_WithTheListsFilters()
    {
        var csv = await Inventory.CsvAsync(_jsRequester, "ERP", "?environment=Test");
        var demo = await _jsRequester.GetJsonAsync($"{Inventory.Items("ERP")}?key=posting.period.open&limit=200");

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Skip(1).Select(l => l.Split(',')[1]), Is.All.EqualTo("Test"));
        Assert.That(lines.Skip(1).Select(l => l.Split(',')[0]), Does.Contain("interface.esb.timeout-seconds"));
        Assert.That(Inventory.Keys(demo), Is.EqualTo(new[] { "posting.period.open", "posting.period.open" }));
        var production = await Inventory.ItemAsync(_jsRequester, "ERP", "posting.period.open");
        Assert.That(production["versions"]!.AsArray().Select(v => v!["value"]!.GetValue<string>()), Is.EqualTo(new[] { "2026-11", "2026-10" }));
    }

    [Test]
    public async Task List_WithAnAcceptItDoesNotOffer_Is406_AndABadCursorIs400()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Inventory.Items("ERP"));
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("application/xml");

        await TicketClient.ExpectProblemAsync(await _jsManager.Http.SendAsync(request), HttpStatusCode.NotAcceptable);
        await TicketClient.ExpectProblemAsync(await _jsManager.Http.GetAsync(Inventory.Items("ERP") + "?cursor=nonsense"), HttpStatusCode.BadRequest);
    }
}
