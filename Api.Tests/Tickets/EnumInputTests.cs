using System.Net;
using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Tickets;

/// <summary>Enum values are exactly one name wherever they come in, and a stored value the code does not define still reads.</summary>
[TestFixture]
public sealed class EnumInputTests : ApiFixture
{
    private const string Valid = """{"system":"ERP","category":"ApplicationProblem","title":"Posting fails","description":"d","impact":"Unit","urgency":"Low"}""";

    [TestCase("\"DataChange,ApplicationProblem\"")]
    [TestCase("\"ApplicationProblem,ApplicationProblem\"")]
    [TestCase("\"7\"")]
    [TestCase("\"3\"")]
    [TestCase("3")]
    [TestCase("\"\"")]
    public async Task Create_WithACategoryThatIsNotOneName_IsAValidationProblemListingTheNamesAndSavesNothing(string category)
    {
        var before = await CountAsync();

        var problem = await TicketClient.ExpectProblemAsync(
            await _given.Requester.PostJsonTextAsync("/api/v1/tickets", Valid.Replace("\"ApplicationProblem\"", category)), HttpStatusCode.BadRequest);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:validation"));
        Assert.That(problem["errors"]!["category"]![0]!.GetValue<string>(), Does.Contain("UserGuidance, MasterData, BackOfficeOperation, ConfigurationChange"));
        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Create_WithACaseVariantOfAName_IsAccepted()
    {
        var response = await _given.Requester.PostJsonTextAsync("/api/v1/tickets", Valid.Replace("\"Unit\"", "\"unit\""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [TestCase("resolve", TicketStatus.InProgress, """{"code":"Fixed,Workaround,Duplicate","resolution":"r"}""", "code")]
    [TestCase("triage", TicketStatus.New, """{"group":"JS-L2SYS","urgency":"High,Low"}""", "urgency")]
    public async Task Action_WithACommaJoinedEnum_IsAValidationProblemAndChangesNothing(string action, TicketStatus status, string body, string field)
    {
        var ticket = await _given.TicketIn(status);
        var caller = action == "triage" ? _given.ServiceDesk : _given.Engineer;

        var problem = await TicketClient.ExpectProblemAsync(
            await caller.PostJsonTextAsync($"/api/v1/tickets/{ticket.Id}/{action}", body, $"\"{ticket.Version}\""), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]![field], Is.Not.Null);
        Assert.That((await _given.ItManager.GetTicketAsync(ticket.Id)).Version, Is.EqualTo(ticket.Version));
    }

    [Test]
    public async Task PutPriorityMatrix_WithACommaJoinedPriority_IsAValidationProblemNamingTheCell()
    {
        using var hq = _app.As(Keys.HqItManager);
        var cells = string.Join(",", from i in Enum.GetNames<Impact>() from u in Enum.GetNames<Urgency>()
                                     select $$"""{"impact":"{{i}}","urgency":"{{u}}","priority":"{{(i == "Unit" && u == "Low" ? "P1,P2" : "P3")}}"}""");

        var problem = await TicketClient.ExpectProblemAsync(
            await hq.Http.PutAsync("/api/v1/priority-matrix", Json($$"""{"cells":[{{cells}}]}""")), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]!.AsObject().Single().Key, Does.Match(@"^cells\[\d\]\.priority$"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("P1, P2, P3, P4"));
    }

    [TestCase("category=DataChange,ApplicationProblem", "category")]
    [TestCase("priority=P1,P1", "priority")]
    [TestCase("priority=0", "priority")]
    [TestCase("status=New&status=Closed,Cancelled", "status")]
    [TestCase("slaState=Ok,Warning", "slaState")]
    [TestCase("category=Galaxy", "category")]
    public async Task List_WithAQueryEnumThatIsNotOneName_IsAValidationProblemListingTheNames(string query, string parameter)
    {
        var problem = await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.GetAsync("/api/v1/tickets?" + query), HttpStatusCode.BadRequest);

        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:validation"));
        Assert.That(problem["errors"]![parameter]![0]!.GetValue<string>(), Does.Contain(" is not one of: "));
    }

    [Test]
    public async Task List_WithExactNames_Filters()
    {
        var ticket = await _given.Requester.CreateAsync();

        var page = await _given.ItManager.GetJsonAsync($"/api/v1/tickets?status=New&status=Closed&category={ticket.Category}&priority={ticket.Priority}");

        Assert.That(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()), Does.Contain(ticket.Id));
    }

    [TestCase("Category", "DataChange,ApplicationProblem")]
    [TestCase("Category", "7")]
    [TestCase("Impact", "Galaxy")]
    [TestCase("Status", "Lost")]
    [TestCase("ResolutionCode", "6")]
    [TestCase("Outcome", "Vanished")]
    public async Task Lists_WithAnUndefinedValueStoredInTheDatabase_StillReadEveryTicket(string column, string stored)
    {
        var ticket = await _given.Requester.CreateAsync();
        var database = _app.Services.GetRequiredService<Database>();
        await database.WriteAsync((connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE Tickets SET {column} = @stored WHERE Id = @Id", new { stored, ticket.Id }, transaction, cancellationToken: ct)), CancellationToken.None);
        using var hq = _app.As(Keys.HqItManager);

        var unitList = await _given.ItManager.GetJsonAsync("/api/v1/tickets?limit=200");
        var hqList = await hq.GetJsonAsync("/api/v1/tickets?limit=200");
        var sync = await _given.ItManager.GetJsonAsync($"/api/v1/tickets?updatedSince={ticket.ChangeSequence - 1}&limit=200");
        var single = await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}");

        foreach (var list in new[] { unitList, hqList, sync })
            Assert.That(list["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()), Does.Contain(ticket.Id));
        Assert.That(single["id"]!.GetValue<long>(), Is.EqualTo(ticket.Id));
    }

    [TestCase("Category", "7", "DataChange")]
    [TestCase("Status", "Archived", "Closed")]
    public async Task UndefinedStoredValue_ReadsFailingClosed_AsAChangeOrAsClosed(string column, string stored, string reads)
    {
        var ticket = await _given.Requester.CreateAsync();
        var database = _app.Services.GetRequiredService<Database>();
        await database.WriteAsync((connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE Tickets SET {column} = @stored WHERE Id = @Id", new { stored, ticket.Id }, transaction, cancellationToken: ct)), CancellationToken.None);

        var read = await _given.ServiceDesk.GetJsonAsync($"/api/v1/tickets/{ticket.Id}");

        Assert.That(read[column.ToLowerInvariant()]!.GetValue<string>(), Is.EqualTo(reads));
        if (column == "Status")
            Assert.That((await _given.ServiceDesk.ActAsync(ticket.Id, "triage", new { group = "JS-L2SYS" }, read["version"]!.GetValue<int>())).StatusCode,
                Is.EqualTo(System.Net.HttpStatusCode.Conflict), "a ticket of unknown status takes no action");
    }

    [Test]
    public async Task Change_WritesOnlyTheFieldsItChanged_SoAStoredValueItLeavesAloneKeepsItsText()
    {
        var ticket = await _given.Requester.CreateAsync();
        var database = _app.Services.GetRequiredService<Database>();
        await database.WriteAsync((connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE Tickets SET Urgency = '9' WHERE Id = @Id", new { ticket.Id }, transaction, cancellationToken: ct)), CancellationToken.None);

        var triaged = await _given.ServiceDesk.ActAsync(ticket.Id, "triage", new { group = "JS-L2SYS" }, ticket.Version);

        Assert.That(triaged.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var stored = await database.ReadAsync((connection, ct) => connection.QuerySingleAsync<(string Urgency, string Status, string GroupId, long Version)>(
            new CommandDefinition("SELECT Urgency, Status, GroupId, Version FROM Tickets WHERE Id = @Id", new { ticket.Id }, cancellationToken: ct)), CancellationToken.None);
        Assert.That(stored, Is.EqualTo(("9", "Triaged", "JS-L2SYS", (long)ticket.Version + 1)),
            "the triage wrote its own fields and the version, and left the urgency it read as Low as it was stored");
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private async Task<int> CountAsync() =>
        (await _given.ItManager.GetJsonAsync("/api/v1/tickets?limit=200"))["items"]!.AsArray().Count;
}
