using Itsm.Api.Csv;
using Microsoft.AspNetCore.Http;

namespace Itsm.Api.Tests.Csv;

/// <summary>The CSV reader every import uses, the field writer every export uses, and the Accept negotiation.</summary>
[TestFixture]
public sealed class CsvDocumentTests
{
    private static async Task<List<CsvRecord>> Read(string text)
    {
        var records = new List<CsvRecord>();
        await foreach (var r in CsvDocument.ReadAsync(new StringReader(text))) records.Add(r);
        return records;
    }

    [Test]
    public async Task Read_QuotedFieldsBomCrlfAndBlankLines_GivesFieldsWithPhysicalLineNumbers()
    {
        var records = await Read("\uFEFFkey,value\r\na,\"x, \"\"y\"\"\"\r\n\r\nb,\"two\nlines\"\nc,财务\n");

        Assert.That(records.Select(r => r.Line), Is.EqualTo(new[] { 1, 2, 4, 6 }));
        Assert.That(records[0].Fields, Is.EqualTo(new[] { "key", "value" }));
        Assert.That(records[1].Fields, Is.EqualTo(new[] { "a", "x, \"y\"" }));
        Assert.That(records[2].Fields, Is.EqualTo(new[] { "b", "two\nlines" }));
        Assert.That(records[3].Fields, Is.EqualTo(new[] { "c", "财务" }));
    }

    [Test]
    public async Task Read_EmptyFieldsAndNoFinalLineEnd_AreKept()
    {
        var records = await Read("a,,\n,b,");
        Assert.That(records[0].Fields, Is.EqualTo(new[] { "a", "", "" }));
        Assert.That(records[1].Fields, Is.EqualTo(new[] { "", "b", "" }));
    }

    [TestCase("a,\"open\nb,c", 1, "not closed")]
    [TestCase("h\na,\"x\"y", 2, "after a closing quote")]
    public void Read_MalformedText_ThrowsNamingTheLine(string text, int line, string reason)
    {
        var error = Assert.ThrowsAsync<CsvFormatException>(() => Read(text));
        Assert.That(error!.Line, Is.EqualTo(line));
        Assert.That(error.Reason, Does.Contain(reason));
    }

    [TestCase("plain", "plain")]
    [TestCase("a,b", "\"a,b\"")]
    [TestCase("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [TestCase("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [TestCase("@SUM(A1)", "'@SUM(A1)")]
    [TestCase("-5", "-5")]
    [TestCase("+86 25 1234", "'+86 25 1234")]
    public void Field_EscapesQuotesAndDefusesFormulas(string value, string expected) =>
        Assert.That(CsvDocument.Field(value), Is.EqualTo(expected));

    [TestCase(null, "application/json")]
    [TestCase("", "application/json")]
    [TestCase("text/csv", "text/csv")]
    [TestCase("text/html,application/xhtml+xml,*/*;q=0.8", "text/html")]
    [TestCase("text/*;q=0.5, application/json;q=0.4", "text/csv")]
    [TestCase("*/*", "application/json")]
    [TestCase("application/json;q=0, text/csv;q=0.1", "text/csv")]
    [TestCase("text/plain", null)]
    [TestCase("application/xml, text/csv;q=0", null)]
    public void Choose_PicksByQualityAndSpecificity(string? accept, string? expected)
    {
        var request = new DefaultHttpContext().Request;
        if (accept is not null) request.Headers.Accept = accept;
        Assert.That(Negotiation.Choose(request, "application/json", "text/csv", "text/html"), Is.EqualTo(expected));
    }
}
