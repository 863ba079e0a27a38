using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;
using static Itsm.Domain.Tickets.TicketStatus;

namespace Itsm.Api.Tests.Access;

/// <summary>
/// A unit's scope holds from both sides: JS cannot reach a ZJ ticket and ZJ cannot reach a JS one, on every read and
/// every action (unit paths compare as text, so each direction guards a different bound of the range); HQ reaches
/// both; a requester reaches only what they raised. Outside the scope a ticket does not exist (404) and is not changed.
/// </summary>
[TestFixture]
public sealed class ScopeFromBothSidesTests
{
    private ItsmApp _app = null!;
    private Dictionary<string, Province> _provinces = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        _app = new ItsmApp();
        _provinces = new[] { "JS", "ZJ" }.ToDictionary(code => code, code => new Province(_app, code));
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        foreach (var province in _provinces.Values) province.Dispose();
        _app.Dispose();
    }

    private static readonly string[] Roles = ["requester", "servicedesk", "engineer", "approver", "itmanager"];

    private static string[] Reads(long id) =>
        [$"/api/v1/tickets/{id}", $"/api/v1/tickets/{id}/history", $"/api/v1/tickets/{id}/comments", $"/api/v1/tickets/{id}/sla", $"/api/v1/tickets/{id}/escalation"];

    [TestCase("JS", "ZJ")]
    [TestCase("ZJ", "JS")]
    public async Task Reads_OfAnotherProvincesTicket_Are404ForEveryRole(string callerProvince, string ownerProvince)
    {
        var marker = $"Scope read {ownerProvince} {Guid.NewGuid():N}"[..40];
        var owner = _provinces[ownerProvince];
        var ticket = await owner.TicketIn(EscalatedToHq, title: marker);
        await TicketClient.ExpectAsync(await owner.Engineer.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = "Checked the logs" }), HttpStatusCode.Created);

        foreach (var role in Roles)
        {
            using var caller = _app.As($"demo-{callerProvince.ToLowerInvariant()}-{role}");
            foreach (var path in Reads(ticket.Id))
                await ExpectOutOfScopeAsync(await caller.Http.GetAsync(path));
            var page = await caller.GetJsonAsync("/api/v1/tickets?limit=200&text=" + Uri.EscapeDataString(marker));
            Assert.That(page["items"]!.AsArray(), Is.Empty, $"{role} of {callerProvince} lists {ownerProvince}'s ticket");
            var byUnit = await caller.Http.GetAsync($"/api/v1/tickets?unit={ownerProvince}&text=" + Uri.EscapeDataString(marker));
            if (byUnit.StatusCode == HttpStatusCode.OK)
                Assert.That((await byUnit.Content.ReadFromJsonAsync<TicketPage>(TicketClient.Json))!.Items, Is.Empty);
            else
                await TicketClient.ExpectProblemAsync(byUnit, byUnit.StatusCode);
        }
    }

    /// <summary>Each action on a ticket in a status that permits it, tried by the other province's person whose job it would be.</summary>
    public static IEnumerable<TestCaseData> Actions()
    {
        (string Action, TicketStatus Status, string Role, object? Body)[] actions =
        [
            ("triage", New, "servicedesk", null),
            ("start", Triaged, "engineer", null),
            ("request-approval", InProgress, "engineer", Given.Plan),
            ("approve", PendingApproval, "approver", new { comment = "ok" }),
            ("reject", PendingApproval, "approver", new { reason = "Not justified" }),
            ("hold", InProgress, "engineer", new { reason = "Waiting" }),
            ("resume", OnHold, "engineer", null),
            ("escalate", InProgress, "itmanager", new { reason = "Central defect", whatWasTried = "Reproduced it" }),
            ("escalate", Triaged, "engineer", new { reason = "Central defect", whatWasTried = "Reproduced it" }),
            ("hq-return", EscalatedToHq, "engineer", new { guidance = "Apply the patch" }),
            ("resolve", New, "servicedesk", new { code = "Fixed", resolution = "Done" }),
            ("resolve", InProgress, "engineer", new { code = "Fixed", resolution = "Done" }),
            ("confirm", Resolved, "requester", new { satisfaction = 5 }),
            ("confirm", Resolved, "approver", new { satisfaction = 5 }),
            ("reopen", Resolved, "requester", new { reason = "Still failing" }),
            ("cancel", New, "requester", new { reason = "No longer needed" }),
            ("cancel", Triaged, "servicedesk", new { reason = "No longer needed" }),
            ("reassign", Triaged, "servicedesk", null),
            ("reassign", InProgress, "engineer", null),
        ];
        foreach (var (callerProvince, ownerProvince) in new[] { ("JS", "ZJ"), ("ZJ", "JS") })
        foreach (var (action, status, role, body) in actions)
            yield return new TestCaseData(callerProvince, ownerProvince, action, status, role, body)
                .SetName($"{action} by {callerProvince} {role} on a {ownerProvince} ticket in {status} is 404");
    }

    [TestCaseSource(nameof(Actions))]
    public async Task Action_OnAnotherProvincesTicket_Is404AndChangesNothing(string callerProvince, string ownerProvince, string action,
        TicketStatus status, string role, object? body)
    {
        var owner = _provinces[ownerProvince];
        var ticket = await owner.TicketIn(status);
        using var caller = _app.As($"demo-{callerProvince.ToLowerInvariant()}-{role}");
        // A group the caller could name: their own province's (a reassignment or triage within their own scope).
        body ??= action is "triage" or "reassign" ? new { group = callerProvince + "-L2BIZ", reason = "Business topic" } : null;

        var response = await caller.ActAsync(ticket.Id, action, body, ticket.Version);

        await ExpectOutOfScopeAsync(response);
        var after = await owner.ItManager.GetTicketAsync(ticket.Id);
        Assert.That((after.Status, after.Version, after.Group), Is.EqualTo((ticket.Status, ticket.Version, ticket.Group)));
    }

    [TestCase("JS", "ZJ")]
    [TestCase("ZJ", "JS")]
    public async Task CommentAndEscalationRetry_OnAnotherProvincesTicket_Are404AndChangeNothing(string callerProvince, string ownerProvince)
    {
        var owner = _provinces[ownerProvince];
        var ticket = await owner.TicketIn(EscalatedToHq);
        var historyBefore = (await owner.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history")).ToJsonString();

        foreach (var role in Roles)
        {
            using var caller = _app.As($"demo-{callerProvince.ToLowerInvariant()}-{role}");
            await ExpectOutOfScopeAsync(await caller.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = "Seen from the other province" }));
            var retry = await caller.Http.PostAsync($"/api/v1/tickets/{ticket.Id}/escalation/retry", null);
            if (role is "engineer" or "itmanager") await ExpectOutOfScopeAsync(retry);
            else
                // Refused by the route's policy before any ticket is looked up: the answer says nothing about the ticket.
                await TicketClient.ExpectProblemAsync(retry, HttpStatusCode.Forbidden);
        }

        Assert.That((await owner.ItManager.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history")).ToJsonString(), Is.EqualTo(historyBefore));
    }

    [Test]
    public async Task Hq_ReadsAndListsTicketsOfBothProvinces()
    {
        using var hq = _app.As(Keys.HqItManager);
        foreach (var province in _provinces.Values)
        {
            var marker = $"Scope HQ {province.Code} {Guid.NewGuid():N}"[..40];
            var ticket = await province.TicketIn(EscalatedToHq, title: marker);

            foreach (var path in Reads(ticket.Id).SkipLast(1))
                await TicketClient.ExpectAsync(await hq.Http.GetAsync(path), HttpStatusCode.OK);
            // The escalation is not delivered here (the outbox is off in tests): HQ is told that, not that the ticket is out of reach.
            var escalation = await TicketClient.ExpectProblemAsync(await hq.Http.GetAsync(Reads(ticket.Id)[^1]), HttpStatusCode.NotFound);
            Assert.That(escalation["detail"]!.GetValue<string>(), Does.Not.Contain(OutOfScope));
            foreach (var filter in new[] { "", $"&unit={province.Code}" })
            {
                var page = await hq.GetJsonAsync($"/api/v1/tickets?limit=200&text={Uri.EscapeDataString(marker)}{filter}");
                Assert.That(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()), Is.EqualTo(new[] { ticket.Id }));
            }
        }
    }

    [TestCase("JS")]
    [TestCase("ZJ")]
    public async Task Requester_ReachesOnlyWhatTheyRaised(string code)
    {
        var province = _provinces[code];
        var marker = $"Scope own {code} {Guid.NewGuid():N}"[..40];
        var someoneElses = await province.TicketIn(Resolved, raisedBy: province.Approver, title: marker);
        var someoneElsesNew = await province.TicketIn(New, raisedBy: province.Approver, title: marker);
        var own = await province.TicketIn(Resolved, title: marker);

        foreach (var path in Reads(someoneElses.Id))
            await ExpectOutOfScopeAsync(await province.Requester.Http.GetAsync(path));
        await ExpectOutOfScopeAsync(await province.Requester.ActAsync(someoneElses.Id, "confirm", new { satisfaction = 1 }, someoneElses.Version));
        await ExpectOutOfScopeAsync(await province.Requester.ActAsync(someoneElses.Id, "reopen", new { reason = "Not mine" }, someoneElses.Version));
        await ExpectOutOfScopeAsync(await province.Requester.ActAsync(someoneElsesNew.Id, "cancel", new { reason = "Not mine" }, someoneElsesNew.Version));
        await ExpectOutOfScopeAsync(await province.Requester.Http.PostAsJsonAsync($"/api/v1/tickets/{someoneElses.Id}/comments", new { body = "Not mine" }));

        var page = await province.Requester.GetJsonAsync("/api/v1/tickets?limit=200&text=" + Uri.EscapeDataString(marker));
        Assert.That(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()), Is.EqualTo(new[] { own.Id }));
        foreach (var path in Reads(own.Id).SkipLast(1))
            await TicketClient.ExpectAsync(await province.Requester.Http.GetAsync(path), HttpStatusCode.OK);
        Assert.That((await TicketClient.ExpectProblemAsync(await province.Requester.Http.GetAsync(Reads(own.Id)[^1]), HttpStatusCode.NotFound))["detail"]!
            .GetValue<string>(), Does.Not.Contain(OutOfScope), "no escalation, but the ticket is in reach");
        Assert.That((await province.ItManager.GetTicketAsync(someoneElses.Id)).Version, Is.EqualTo(someoneElses.Version));
        Assert.That((await province.ItManager.GetTicketAsync(someoneElsesNew.Id)).Version, Is.EqualTo(someoneElsesNew.Version));
    }

    private const string OutOfScope = "outside your scope";

    /// <summary>404 for the ticket itself (not for something missing on a ticket the caller may see).</summary>
    private static async Task ExpectOutOfScopeAsync(HttpResponseMessage response)
    {
        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.NotFound);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain(OutOfScope));
    }
}
