using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests.Accounts;

/// <summary>The register's edges: foreign systems, empty reviews, the import's strict columns, its CSV round trip.</summary>
[TestFixture]
public sealed class AccountInputTests : ApiPerTestFixture
{
    [Test]
    public async Task ListAccounts_SystemOfAnotherProvince_Returns404AsJsonAndAsCsv()
    {
        var json = await _given.ItManager.Http.GetAsync("/api/v1/systems/ZJ-MKT/accounts");
        var csv = await Register.CsvAsync(_given.ItManager, "/api/v1/systems/ZJ-MKT/accounts");

        await TicketClient.ExpectProblemAsync(json, HttpStatusCode.NotFound);
        Assert.That(csv.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task ImportAccounts_SystemOfAnotherProvince_Returns404WithoutNamingItsUnit()
    {
        var response = await Register.ImportAsync(_given.ItManager, "ZJ-MKT", Register.Header + "\nok1,Good,,R1,Active,\n");

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.NotFound);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Not.Contain("belongs to"));
    }

    [Test]
    public async Task OpenReview_SystemOfAnotherProvince_IsRefusedAsAnUnknownSystem()
    {
        var foreign = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/access-reviews",
            new { system = "ZJ-MKT", dueBy = _app.Clock.GetUtcNow().AddDays(14) });
        var unknown = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/access-reviews",
            new { system = "NOPE", dueBy = _app.Clock.GetUtcNow().AddDays(14) });

        var foreignProblem = await TicketClient.ExpectProblemAsync(foreign, HttpStatusCode.UnprocessableEntity);
        var unknownProblem = await TicketClient.ExpectProblemAsync(unknown, HttpStatusCode.UnprocessableEntity);
        Assert.That(foreignProblem["detail"]!.GetValue<string>(), Is.EqualTo(unknownProblem["detail"]!.GetValue<string>().Replace("NOPE", "ZJ-MKT")));
    }

    [Test]
    public async Task OpenReview_NoActiveAccount_Returns422NothingToReviewAndOpensNone()
    {
        var response = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/access-reviews",
            new { system = "HR", dueBy = _app.Clock.GetUtcNow().AddDays(14) });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["type"]!.GetValue<string>(), Does.EndWith("nothing-to-review"));
        var reviews = await _given.ItManager.GetJsonAsync("/api/v1/access-reviews?system=HR");
        Assert.That(reviews["items"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task ImportAccounts_HeaderOnly_Returns422()
    {
        var response = await Register.ImportAsync(_given.ItManager, "HR", Register.Header + "\n");

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [TestCase("ok1,Good,,R1,1,", TestName = "ImportAccounts_NumericStatus_Returns422NamingTheLine")]
    [TestCase("ok1,Good,,R1,Active,01/02/2026", TestName = "ImportAccounts_SlashedDate_Returns422NamingTheLine")]
    public async Task ImportAccounts_LooseValue_Returns422NamingTheLine(string line)
    {
        var response = await Register.ImportAsync(_given.ItManager, "HR", Register.Header + "\n" + line + "\n");

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["errors"]!.AsArray().Single()!["line"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(await Register.ListAsync(_given.ItManager, "HR"), Is.Empty);
    }

    [Test]
    public async Task ImportAccounts_IsoDateAndInstant_AreAccepted()
    {
        await Register.ImportOkAsync(_given.ItManager, "HR", Register.Header + "\nd1,Date,,R1,Active,2026-10-01\nd2,Instant,,R1,Active,2026-10-01T08:30:00+08:00\n");

        var items = await Register.ListAsync(_given.ItManager, "HR");
        Assert.That(items.Select(i => i!["lastUsedAt"]!.GetValue<DateTimeOffset>()),
            Is.EqualTo(new[] { new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 1, 0, 30, 0, TimeSpan.Zero) }));
    }

    [Test]
    public async Task ImportAccounts_InvalidUtf8OnLine3_NamesLine3()
    {
        var bytes = Encoding.UTF8.GetBytes(Register.Header + "\nok1,Good,,R1,Active,\nok2,Bad ").Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes(",,R1,Active,\n")).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");

        var response = await _given.ItManager.Http.PostAsync("/api/v1/systems/HR/accounts:import", content);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem["errors"]!.AsArray().Single()!["line"]!.GetValue<int>(), Is.EqualTo(3));
    }

    [Test]
    public async Task ImportAccounts_JsonBody_Returns415NamingTextCsv()
    {
        var response = await _given.ItManager.Http.PostAsJsonAsync("/api/v1/systems/HR/accounts:import", new { login = "x" });

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("text/csv"));
    }

    [Test]
    public async Task ListAccounts_DepartmentInAnotherCase_FindsTheAccounts()
    {
        await Register.ImportOkAsync(_given.ItManager, "HR", Register.Header + "\nf1,One,Finance,R1,Active,\nf2,Two,Sales,R1,Active,\n");

        var found = await Register.ListAsync(_given.ItManager, "HR", "&department=FINANCE");

        Assert.That(found.Select(i => i!["login"]!.GetValue<string>()), Is.EqualTo(new[] { "f1" }));
    }

    [Test]
    public async Task ExportThenImport_ValuesAFormulaGuardPrefixes_ComeBackWithoutTheApostrophe()
    {
        await Register.ImportOkAsync(_given.ItManager, "HR", Register.Header + "\n@admin,-张三,=财务部,R1,Active,\nplain,''=kept,+1,R1,Active,\n");

        var export = await (await Register.CsvAsync(_given.ItManager, "/api/v1/systems/HR/accounts")).Content.ReadAsStringAsync();
        await Register.ImportOkAsync(_given.ItManager, "ESB", export);
        var copied = await Register.ListAsync(_given.ItManager, "ESB");

        Assert.That(export, Does.Contain("'@admin,'-张三,'=财务部"), "the export guards spreadsheet formulas");
        Assert.That(copied.Select(i => (i!["login"]!.GetValue<string>(), i["holder"]!.GetValue<string>(), i["department"]!.GetValue<string>())),
            Is.EqualTo(new[] { ("@admin", "-张三", "=财务部"), ("plain", "'=kept", "+1") }));
    }

    [TestCase("zj-requester", TestName = "ImportAccounts_UserOfAnotherProvince_Returns422NamingTheLine")]
    [TestCase("no-such-user", TestName = "ImportAccounts_UnknownUser_Returns422NamingTheLine")]
    public async Task ImportAccounts_UserOutOfScope_Returns422NamingTheLine(string user)
    {
        var response = await Register.ImportAsync(_given.ItManager, "HR",
            Register.Header + ",user\nok1,Good,,R1,Active,,js-requester\nok2,Bad,,R1,Active,," + user + "\n");

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var error = problem["errors"]!.AsArray().Single()!;
        Assert.That(error["line"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(error["reason"]!.GetValue<string>(), Is.EqualTo($"user '{user}' does not exist or is outside your scope."));
        Assert.That(await Register.ListAsync(_given.ItManager, "HR"), Is.Empty);
    }
}
