using System.Net;
using System.Text;
using Itsm.Api.Tests.Accounts;
using Itsm.Api.Tests.Configuration;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Csv;

/// <summary>
/// The imports read UTF-8: a body labelled with another charset is refused before it is read (415), where it would be
/// misread as UTF-8, and nothing is imported; a quoted or upper-case UTF-8 label is UTF-8.
/// </summary>
[TestFixture]
public sealed class ImportCharsetTests
{
    private ItsmApp _app = null!;
    private TicketClient _manager = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _app = new ItsmApp();
        _manager = _app.As(Keys.JsItManager);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _manager.Dispose();
        _app.Dispose();
    }

    private static readonly byte[] Gbk = [0xD5, 0xC5, 0xC8, 0xFD]; // 张三 in GBK

    private Task<HttpResponseMessage> PostAsync(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return _manager.Http.PostAsync(path, content);
    }

    [TestCase("text/csv; charset=gbk")]
    [TestCase("text/csv; charset=\"utf-16\"")]
    [TestCase("text/csv; charset=iso-8859-1")]
    public async Task AccountImport_LabelledWithAnotherCharset_Is415_AndImportsNothing(string contentType)
    {
        var body = Encoding.ASCII.GetBytes(Register.Header + "\ngbk1,").Concat(Gbk).Concat(Encoding.ASCII.GetBytes(",,R,Active,\nascii1,Li,,R,Active,\n")).ToArray();

        var response = await PostAsync("/api/v1/systems/HR/accounts:import", body, contentType);

        Assert.That((await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType))["detail"]!.GetValue<string>(), Does.Contain("UTF-8"));
        Assert.That(await Register.ListAsync(_manager, "HR"), Is.Empty);
    }

    [TestCase("text/csv; charset=gbk")]
    [TestCase("text/csv; charset=utf-16")]
    public async Task InventoryImport_LabelledWithAnotherCharset_Is415_AndImportsNothing(string contentType)
    {
        var body = Encoding.ASCII.GetBytes("key,environment,value,description\ncharset.key,Production,").Concat(Gbk).Concat("\n"u8.ToArray()).ToArray();

        var response = await PostAsync(Inventory.Items("ESB") + ":import", body, contentType);

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        await TicketClient.ExpectProblemAsync(await _manager.Http.GetAsync(Inventory.Items("ESB") + "/charset.key"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Imports_LabelledUtf8QuotedOrUpperCase_AreRead()
    {
        var accounts = await PostAsync("/api/v1/systems/ESB/accounts:import",
            Encoding.UTF8.GetBytes(Register.Header + "\nutf8quoted,张三,,R,Active,\n"), "text/csv; charset=\"UTF-8\"");
        var items = await PostAsync(Inventory.Items("HR") + ":import",
            Encoding.UTF8.GetBytes("key,environment,value\nutf8.upper,Production,张三\n"), "text/csv;charset=UTF-8");

        await TicketClient.ExpectAsync(accounts, HttpStatusCode.OK);
        await TicketClient.ExpectAsync(items, HttpStatusCode.OK);
        Assert.That((await Register.GetAsync(_manager, "ESB", "utf8quoted"))["account"]!["holder"]!.GetValue<string>(), Is.EqualTo("张三"));
    }
}
