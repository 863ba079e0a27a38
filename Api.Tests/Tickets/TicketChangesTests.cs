using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Tickets;

/// <summary>The one path every ticket change takes: what it saves is what the row holds under its lock.</summary>
[TestFixture]
public sealed class TicketChangesTests : ApiPerTestFixture
{
    private static readonly Actor HqSystem = new("hq-integration", "HQ", "HQ", "/HQ/", new HashSet<Role> { Role.Integration }, new HashSet<string>());
    private static readonly Actor Engineer = new("js-engineer", "JS engineer", "JS", "/HQ/JS/", new HashSet<Role> { Role.Engineer }, new HashSet<string> { "JS-L2SYS" });

    private TicketChanges Changes => _app.Services.GetRequiredService<TicketChanges>();

    private Task BreachAsync()
    {
        _app.Clock.Advance(TimeSpan.FromDays(30));
        return _app.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None);
    }

    [Test]
    public async Task RecordedEvent_LoadedBeforeTheSchedulerRecordedABreach_KeepsTheBreach()
    {
        // What HQ's acknowledged event did: load the ticket, then (after an SLA pass) record on that copy.
        var ticket = await _given.TicketIn(TicketStatus.EscalatedToHq);
        Assert.That(await _app.Services.GetRequiredService<TicketStore>().GetAsync(ticket.Id, HqSystem, CancellationToken.None), Is.Not.Null);
        await BreachAsync();
        var breached = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That(breached.SlaState, Is.EqualTo(SlaState.Breached));

        var recorded = await Changes.RecordAsync(ticket.Id, HqSystem, (locked, now) =>
        {
            locked.RecordEvent(HqSystem.UserId, "hq.acknowledged", now, new Dictionary<string, object?>());
            return null;
        }, null, CancellationToken.None);

        Assert.That(recorded.Result, Is.EqualTo(ChangeResult.Saved));
        var after = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That((after.SlaState, after.ResolutionDue, after.Version), Is.EqualTo((SlaState.Breached, breached.ResolutionDue, breached.Version)));
        Assert.That(after.ChangeSequence, Is.GreaterThan(breached.ChangeSequence), "a sync client hears of the recorded event");
    }

    [Test]
    public async Task Action_WhenABreachIsRecordedBetweenLoadAndSave_KeepsTheBreach()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);

        var held = await Changes.ApplyAsync(ticket.Id, Engineer, TicketAction.Hold, t => t.Version == ticket.Version, async (loaded, _, now) =>
        {
            await BreachAsync();
            return loaded.Hold(Engineer, now, "Waiting for the vendor");
        }, null, CancellationToken.None);

        Assert.That(held.Result, Is.EqualTo(ChangeResult.Saved), "a breach does not change the version");
        var after = await _given.ItManager.GetTicketAsync(ticket.Id);
        Assert.That((after.Status, after.SlaState), Is.EqualTo((TicketStatus.OnHold, SlaState.Breached)));
    }

    [Test]
    public async Task Request_At0230OnNewYearsDayInShanghai_IsNumberedInTheNewYear()
    {
        _app.Clock.Advance(new DateTimeOffset(2026, 12, 31, 18, 30, 0, TimeSpan.Zero) - _app.Clock.GetUtcNow());

        var ticket = await _given.Requester.CreateAsync();

        Assert.That(ticket.Number, Does.StartWith("JS-2027-"));
    }

    [Test]
    public async Task Request_InAUnitWhoseRulesUseAnotherZone_IsNumberedInThatZonesYear()
    {
        using var hq = _app.As(Keys.HqItManager);
        await TicketClient.ExpectAsync(await hq.Http.PutAsync("/api/v1/calendars/UTC-BUSINESS", new StringContent(
            """{"name": "UTC business days", "timeZone": "UTC", "week": {"monday": [{"start": "08:00", "end": "17:00"}]}}""",
            System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.Created);
        var policy = (await hq.GetJsonAsync("/api/v1/sla/policies")).AsObject();
        policy.Remove("version");
        policy["rules"]!.AsArray().Add(new JsonObject
        {
            ["priority"] = "P3", ["responseMinutes"] = 240, ["resolutionMinutes"] = 1350, ["calendar"] = "UTC-BUSINESS", ["unit"] = "JS",
        });
        await TicketClient.ExpectAsync(await hq.Http.PutAsJsonAsync("/api/v1/sla/policies", policy), HttpStatusCode.OK);
        _app.Clock.Advance(new DateTimeOffset(2026, 12, 31, 18, 30, 0, TimeSpan.Zero) - _app.Clock.GetUtcNow());

        var js = await _given.Requester.CreateAsync(TicketClient.NewTicket(urgency: Urgency.High));
        using var zjRequester = _app.As(Keys.ZjRequester);
        var zj = await zjRequester.CreateAsync(TicketClient.NewTicket());

        Assert.That(js.Number, Does.StartWith("JS-2026-"), "JS counts in UTC whatever the ticket's priority");
        Assert.That(zj.Number, Does.StartWith("ZJ-2027-"));
    }
}
