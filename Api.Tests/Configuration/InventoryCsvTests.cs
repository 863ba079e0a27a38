using System.Net;
using System.Text;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Configuration;

/// <summary>The inventory's CSV: formula guards come off again on import, a bad byte is named by its line, JSON is refused naming CSV.</summary>
[TestFixture]
public sealed class InventoryCsvTests
{
    private ItsmApp _app = null!;
    private TicketClient _manager = null!;

    [SetUp]
    public void StartApp()
    {
        _app = new ItsmApp();
        _manager = _app.As(Keys.JsItManager);
    }

    [TearDown]
    public void StopApp()
    {
        _manager.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task ExportThenImport_ValuesAFormulaGuardPrefixes_ComeBackWithoutTheApostrophe()
    {
        const string csv = "key,environment,value,description\n" +
                           "jvm.options,Production,-Xmx512m,@admin\n" +
                           "quoted.formula,Production,''=1+2,+note\n" +
                           "negative.number,Production,-5,\n";
        await TicketClient.ExpectAsync(await Inventory.ImportAsync(_manager, "HR", csv), HttpStatusCode.OK);

        var exported = await Inventory.CsvAsync(_manager, "HR");
        await TicketClient.ExpectAsync(await Inventory.ImportAsync(_manager, "ESB", exported), HttpStatusCode.OK);

        Assert.That(exported, Does.Contain("'-Xmx512m,'@admin"));
        foreach (var (key, value, description) in new[] { ("jvm.options", "-Xmx512m", "@admin"), ("quoted.formula", "'=1+2", "+note") })
        {
            var item = await Inventory.ItemAsync(_manager, "ESB", key);
            Assert.That((item["value"]!.GetValue<string>(), item["description"]!.GetValue<string>()), Is.EqualTo((value, description)), key);
        }
        Assert.That((await Inventory.ItemAsync(_manager, "ESB", "negative.number"))["value"]!.GetValue<string>(), Is.EqualTo("-5"));
    }

    [Test]
    public async Task Import_InvalidUtf8OnLine3_NamesLine3()
    {
        var bytes = Encoding.UTF8.GetBytes("key,environment,value,description\ngood.key,Production,1,\nbad.key,Production,").Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes(",\n")).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");

        var response = await _manager.Http.PostAsync(Inventory.Items("HR") + ":import", content);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["lines"]!.AsArray().Single()!["line"]!.GetValue<int>(), Is.EqualTo(3));
    }

    [Test]
    public async Task Import_JsonBody_Returns415NamingTextCsv()
    {
        var response = await _manager.Http.PostAsync(Inventory.Items("HR") + ":import",
            new StringContent("{\"key\":\"x\"}", Encoding.UTF8, "application/json"));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("text/csv"));
    }

    [Test]
    public async Task GetItem_KeyWithATrailingLineBreak_IsRefused()
    {
        var response = await _manager.Http.GetAsync(Inventory.Items("ERP") + "/posting.period.open%0A?environment=Production");

        Assert.That((int)response.StatusCode, Is.InRange(400, 404));
    }
}
