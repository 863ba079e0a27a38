using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;

namespace Itsm.Api.Tests.Integrations;

/// <summary>What a helpdesk tool needs to keep in step: create-or-find by its own reference, and "what changed since".</summary>
[TestFixture]
public sealed class SyncTests : ApiFixture
{
    [Test]
    public async Task ExternalRef_RaisedTwice_ReturnsTheFirstTicket()
    {
        var body = new { system = "ERP", category = "ApplicationProblem", title = "From the monitoring", description = "CPU alarm",
            impact = "Unit", urgency = "High", externalRef = new { system = "zabbix", id = "event-4711" } };

        var first = await _given.ServiceDesk.Http.PostAsJsonAsync("/api/v1/tickets", body);
        var second = await _given.ServiceDesk.Http.PostAsJsonAsync("/api/v1/tickets", body);

        Assert.That((first.StatusCode, second.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.OK)));
        var a = (await first.Content.ReadFromJsonAsync<TicketResponse>(TicketClient.Json))!;
        var b = (await second.Content.ReadFromJsonAsync<TicketResponse>(TicketClient.Json))!;
        Assert.That(b.Id, Is.EqualTo(a.Id));
        Assert.That(second.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/tickets/{a.Id}"));
        Assert.That(a.ExternalRef, Is.EqualTo(new Itsm.Domain.Tickets.ExternalRef("zabbix", "event-4711")));
    }

    [Test]
    public async Task ExternalRef_InParallel_CreatesOneTicket()
    {
        var body = new { system = "ERP", category = "ApplicationProblem", title = "Parallel import", description = "d",
            impact = "Unit", urgency = "Low", externalRef = new { system = "itop", id = "R-" + Guid.NewGuid().ToString("N") } };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _given.ServiceDesk.Http.PostAsJsonAsync("/api/v1/tickets", body))));

        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(1));
        Assert.That(responses.All(r => r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK), Is.True);
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<TicketResponse>(TicketClient.Json))!.Id));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task ExternalRef_IsPerCaller()
    {
        var body = new { system = "ERP", category = "ApplicationProblem", title = "Same reference", description = "d",
            impact = "Unit", urgency = "Low", externalRef = new { system = "tool", id = "shared-1" } };

        var desk = await _given.ServiceDesk.Http.PostAsJsonAsync("/api/v1/tickets", body);
        var requester = await _given.Requester.Http.PostAsJsonAsync("/api/v1/tickets", body);

        Assert.That((desk.StatusCode, requester.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
    }

    [Test]
    public async Task UpdatedSince_GivesEveryChangeOnceInChangeOrder()
    {
        var start = await MaxSequenceAsync();
        var a = await _given.Requester.CreateAsync(TicketClient.NewTicket("sync a"));
        var b = await _given.Requester.CreateAsync(TicketClient.NewTicket("sync b"));
        await _given.ServiceDesk.ActOkAsync(a.Id, "triage", new { group = "JS-L2SYS" });

        var changes = new List<(long Id, long Sequence)>();
        string? cursor = null;
        do
        {
            var page = await _given.ItManager.GetJsonAsync($"/api/v1/tickets?updatedSince={start}&limit=1" + (cursor is null ? "" : $"&cursor={cursor}"));
            changes.AddRange(page["items"]!.AsArray().Select(t => (t!["id"]!.GetValue<long>(), t["changeSequence"]!.GetValue<long>())));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);

        Assert.That(changes.Select(c => c.Id), Is.EqualTo(new[] { b.Id, a.Id }), "b's creation, then a's triage (a's creation is superseded)");
        Assert.That(changes.Select(c => c.Sequence), Is.Ordered.Ascending);
        var again = await _given.ItManager.GetJsonAsync($"/api/v1/tickets?updatedSince={changes[^1].Sequence}");
        Assert.That(again["items"]!.AsArray(), Is.Empty);
    }

    [TestCase("updatedSince=-1")]
    [TestCase("updatedSince=0&cursor=dDE6NQ")]
    public async Task UpdatedSince_WithABadValue_Is400(string query) =>
        await TicketClient.ExpectProblemAsync(await _given.ItManager.Http.GetAsync($"/api/v1/tickets?{query}"), HttpStatusCode.BadRequest);

    private async Task<long> MaxSequenceAsync() =>
        (await _given.ItManager.GetJsonAsync("/api/v1/tickets?limit=200"))["items"]!.AsArray().Select(t => t!["changeSequence"]!.GetValue<long>()).DefaultIfEmpty(0).Max();
}
