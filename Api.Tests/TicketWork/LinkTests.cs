using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Dapper;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.TicketWork;

/// <summary>Links between tickets: duplicates, major incidents resolved with their children, no cycles, both tickets in scope.</summary>
[TestFixture]
public sealed class LinkTests : TicketWorkFixture
{
    private static Task<HttpResponseMessage> LinkAsync(TicketClient caller, long id, string type, long other, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tickets/{id}/links") { Content = JsonContent.Create(new { type, ticket = other }) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return caller.Http.SendAsync(request);
    }

    private async Task LinkOkAsync(long id, string type, long other) =>
        await TicketClient.ExpectAsync(await LinkAsync(_given.ServiceDesk, id, type, other), HttpStatusCode.Created);

    private async Task<JsonArray> LinksOf(long id) => (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{id}/links"))["items"]!.AsArray();

    [Test]
    public async Task DuplicateOf_CancelsTheDuplicateAndMakesItsRequesterAWatcherOfTheOriginal()
    {
        var original = await Colleague.CreateAsync();
        var duplicate = await _given.TicketIn(TicketStatus.Triaged);
        await TicketClient.ExpectProblemAsync(await _given.Requester.GetAsync(original.Id), HttpStatusCode.NotFound);

        var response = await LinkAsync(_given.ServiceDesk, duplicate.Id, "DuplicateOf", original.Id, $"\"{duplicate.Version}\"");

        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        Assert.That(response.Headers.ETag?.Tag, Is.EqualTo($"\"{duplicate.Version + 1}\""));
        var cancelled = await _given.ItManager.GetTicketAsync(duplicate.Id);
        Assert.That((cancelled.Status, cancelled.Outcome), Is.EqualTo((TicketStatus.Cancelled, (ClosureOutcome?)ClosureOutcome.Duplicate)));
        var watchers = (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{original.Id}/watchers"))["items"]!.AsArray();
        Assert.That(watchers.Select(w => w!["user"]!.GetValue<string>()), Is.EqualTo(new[] { "js-requester" }));
        Assert.That((await _given.Requester.GetTicketAsync(original.Id)).Id, Is.EqualTo(original.Id), "the duplicate's requester now follows the original");
        var link = (await LinksOf(original.Id)).Single()!;
        Assert.That((link["type"]!.GetValue<string>(), link["from"]!.GetValue<long>(), link["to"]!.GetValue<long>()),
            Is.EqualTo(("DuplicateOf", duplicate.Id, original.Id)));
    }

    [Test]
    public async Task DuplicateOf_AnOriginalOfAUnitBelowTheRequesters_CancelsButDoesNotMakeThemAWatcher_AndSaysSo()
    {
        var original = await _given.ServiceDesk.CreateAsync(TicketClient.NewTicket(unit: "JS-NJ"));
        var duplicate = await _given.TicketIn(TicketStatus.Triaged);

        await TicketClient.ExpectAsync(await LinkAsync(_given.ServiceDesk, duplicate.Id, "DuplicateOf", original.Id, $"\"{duplicate.Version}\""),
            HttpStatusCode.Created);

        Assert.That((await _given.ItManager.GetTicketAsync(duplicate.Id)).Status, Is.EqualTo(TicketStatus.Cancelled));
        Assert.That((await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{original.Id}/watchers"))["items"]!.AsArray(), Is.Empty);
        var said = (await HistoryAsync(duplicate.Id)).Single(h => h!["action"]!.GetValue<string>() == "watcher.not_added")!;
        Assert.That(said["details"]!["watcher"]!.GetValue<string>(), Is.EqualTo("js-requester"));
    }

    [Test]
    public async Task DuplicateOf_ATicketInProgress_Is409AndChangesNothing()
    {
        var original = await Colleague.CreateAsync();
        var duplicate = await _given.TicketIn(TicketStatus.InProgress);
        var etag = await ETagOf(duplicate.Id);

        await TicketClient.ExpectProblemAsync(await LinkAsync(_given.ServiceDesk, duplicate.Id, "DuplicateOf", original.Id, etag), HttpStatusCode.Conflict);
        await TicketClient.ExpectProblemAsync(await LinkAsync(_given.ServiceDesk, duplicate.Id, "DuplicateOf", original.Id), HttpStatusCode.PreconditionRequired);

        Assert.That(await ETagOf(duplicate.Id), Is.EqualTo(etag));
        Assert.That(await LinksOf(duplicate.Id), Is.Empty);
        Assert.That((await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{original.Id}/watchers"))["items"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task ResolvingAMajorIncident_ResolvesItsChildrenAndListsThoseNotResolved()
    {
        var parent = await _given.TicketIn(TicketStatus.InProgress, title: "ERP down for everyone");
        var fresh = await _given.TicketIn(TicketStatus.New);
        var working = await _given.TicketIn(TicketStatus.InProgress);
        var waiting = await _given.TicketIn(TicketStatus.OnHold);
        var change = await _given.TicketIn(TicketStatus.New, Category.DataChange);
        foreach (var child in new[] { fresh, working, waiting, change }) await LinkOkAsync(child.Id, "ChildOf", parent.Id);

        var response = await _given.Engineer.ActAsync(parent.Id, "resolve", new { code = "Fixed", resolution = "Restarted the ERP application servers" });

        await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
        var resolved = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(resolved["status"]!.GetValue<string>(), Is.EqualTo("Resolved"));
        var notResolved = resolved["childrenNotResolved"]!.AsArray();
        Assert.That(notResolved.Select(c => (c!["ticket"]!.GetValue<long>(), c["status"]!.GetValue<string>())),
            Is.EquivalentTo(new[] { (waiting.Id, "OnHold"), (change.Id, "New") }));
        Assert.That(notResolved.Single(c => c!["ticket"]!.GetValue<long>() == change.Id)!["reason"]!.GetValue<string>(), Does.Contain("change"));
        foreach (var child in new[] { fresh, working })
        {
            var after = await _given.Requester.GetTicketAsync(child.Id);
            Assert.That((after.Status, after.Resolution?.Code, after.Resolution?.Text),
                Is.EqualTo((TicketStatus.Resolved, (ResolutionCode?)ResolutionCode.Fixed, "Restarted the ERP application servers")));
            Assert.That(after.AllowedActions, Does.Contain("confirm"), "each child's requester confirms their own");
            var entry = (await HistoryAsync(child.Id)).Last()!;
            Assert.That((entry["action"]!.GetValue<string>(), entry["details"]!["parent"]!.GetValue<long>()), Is.EqualTo(("resolve", parent.Id)));
            Assert.That(entry["details"]!["note"]!.GetValue<string>(), Does.Contain(parent.Number));
        }
        Assert.That((await _given.ItManager.GetTicketAsync(waiting.Id)).Status, Is.EqualTo(TicketStatus.OnHold));
        Assert.That((await _given.ItManager.GetTicketAsync(change.Id)).Status, Is.EqualTo(TicketStatus.New));
    }

    [Test]
    public async Task SchedulerPass_AfterAMajorIncidentsChildrenWereLeftOwed_ResolvesThemAndClearsTheMark()
    {
        var parent = await _given.TicketIn(TicketStatus.InProgress, title: "ERP down for everyone");
        await _given.Engineer.ActOkAsync(parent.Id, "resolve", new { code = "Fixed", resolution = "Restarted the ERP application servers" });
        var children = new[] { await _given.TicketIn(TicketStatus.New), await _given.TicketIn(TicketStatus.InProgress) };
        foreach (var child in children) await LinkOkAsync(child.Id, "ChildOf", parent.Id);
        // What a disconnect or a crash right after the parent's resolve committed leaves: the children owed, none resolved yet.
        var database = _app.Services.GetRequiredService<Database>();
        await database.WriteAsync((connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO MajorIncidentChildrenOwed (TicketId, ResolvedBy, MarkedAt) VALUES (@Id, 'js-engineer', @At)",
            new { parent.Id, At = _app.Clock.GetUtcNow() }, transaction, cancellationToken: ct)), CancellationToken.None);
        Assert.That((await _given.ItManager.GetTicketAsync(children[0].Id)).Status, Is.EqualTo(TicketStatus.New));

        await _app.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None);

        foreach (var child in children)
        {
            var after = await _given.ItManager.GetTicketAsync(child.Id);
            Assert.That((after.Status, after.Resolution?.Text), Is.EqualTo((TicketStatus.Resolved, "Restarted the ERP application servers")));
        }
        var owed = await database.ReadAsync((connection, ct) => connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM MajorIncidentChildrenOwed", cancellationToken: ct)), CancellationToken.None);
        Assert.That(owed, Is.Zero, "the mark is cleared once the children were resolved");
    }

    [Test]
    public async Task ResolvingAMajorIncident_LeavesNothingOwed()
    {
        var parent = await _given.TicketIn(TicketStatus.InProgress);
        var child = await _given.TicketIn(TicketStatus.InProgress);
        await LinkOkAsync(child.Id, "ChildOf", parent.Id);

        await _given.Engineer.ActOkAsync(parent.Id, "resolve", new { code = "Fixed", resolution = "Restarted" });

        Assert.That((await _given.ItManager.GetTicketAsync(child.Id)).Status, Is.EqualTo(TicketStatus.Resolved));
        var owed = await _app.Services.GetRequiredService<Database>().ReadAsync((connection, ct) => connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT COUNT(*) FROM MajorIncidentChildrenOwed", cancellationToken: ct)), CancellationToken.None);
        Assert.That(owed, Is.Zero);
    }

    [Test]
    public async Task HoldingOrEscalatingAMajorIncident_DoesNotMoveItsChildren()
    {
        var parent = await _given.TicketIn(TicketStatus.InProgress);
        var child = await _given.TicketIn(TicketStatus.InProgress);
        await LinkOkAsync(child.Id, "ChildOf", parent.Id);

        await _given.Engineer.ActOkAsync(parent.Id, "hold", new { reason = "Waiting for the vendor" });
        await _given.Engineer.ActOkAsync(parent.Id, "resume");
        await _given.Engineer.ActOkAsync(parent.Id, "escalate", new { reason = "Central defect", whatWasTried = "Restarted" });

        var after = await _given.ItManager.GetTicketAsync(child.Id);
        Assert.That((after.Status, after.Version), Is.EqualTo((TicketStatus.InProgress, child.Version)));
    }

    [Test]
    public async Task Links_ThatWouldMakeACycle_Are422AndChangeNothing()
    {
        var a = await _given.Requester.CreateAsync();
        var b = await _given.Requester.CreateAsync();
        var c = await _given.Requester.CreateAsync();
        await LinkOkAsync(a.Id, "CausedBy", b.Id);
        await LinkOkAsync(b.Id, "CausedBy", c.Id);
        await LinkOkAsync(a.Id, "ChildOf", b.Id);

        await TicketClient.ExpectProblemAsync(await LinkAsync(_given.ServiceDesk, c.Id, "CausedBy", a.Id), HttpStatusCode.UnprocessableEntity);
        await TicketClient.ExpectProblemAsync(await LinkAsync(_given.ServiceDesk, b.Id, "ChildOf", a.Id), HttpStatusCode.UnprocessableEntity);
        await TicketClient.ExpectProblemAsync(await LinkAsync(_given.ServiceDesk, a.Id, "Related", a.Id), HttpStatusCode.UnprocessableEntity);

        Assert.That(await LinksOf(c.Id), Has.Count.EqualTo(1));
        Assert.That(await LinksOf(a.Id), Has.Count.EqualTo(2));
        Assert.That((await HistoryAsync(c.Id)).Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Links_ListBothDirections_AndAreRemoved()
    {
        var a = await _given.Requester.CreateAsync();
        var b = await _given.Requester.CreateAsync();
        await LinkOkAsync(a.Id, "Related", b.Id);
        await TicketClient.ExpectProblemAsync(await LinkAsync(_given.ServiceDesk, b.Id, "Related", a.Id), HttpStatusCode.Conflict);

        var fromB = (await LinksOf(b.Id)).Single()!;
        Assert.That((fromB["from"]!.GetValue<long>(), fromB["to"]!.GetValue<long>()), Is.EqualTo((a.Id, b.Id)));

        var id = fromB["id"]!.GetValue<long>();
        await TicketClient.ExpectAsync(await _given.ServiceDesk.Http.DeleteAsync($"/api/v1/tickets/{b.Id}/links/{id}"), HttpStatusCode.NoContent);
        Assert.That(await LinksOf(a.Id), Is.Empty);
        await TicketClient.ExpectProblemAsync(await _given.ServiceDesk.Http.DeleteAsync($"/api/v1/tickets/{b.Id}/links/{id}"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Link_ToATicketOutsideTheCallersScope_Is404()
    {
        var mine = await _given.Requester.CreateAsync();
        using var zjRequester = _app.As(Keys.ZjRequester);
        var theirs = await zjRequester.CreateAsync();

        await TicketClient.ExpectProblemAsync(await LinkAsync(_given.ServiceDesk, mine.Id, "Related", theirs.Id), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await LinkAsync(_given.Requester, mine.Id, "Related", mine.Id), HttpStatusCode.Forbidden);

        Assert.That(await LinksOf(mine.Id), Is.Empty);
    }
}
