using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using static Itsm.Domain.Tickets.TicketStatus;

namespace Itsm.Api.Tests.ServiceLevels;

/// <summary>
/// The resolution clock pauses in exactly the statuses the policy's <c>pauseIn</c> names (default: OnHold and
/// PendingApproval), whichever they are, and runs in every other one. A P3 ticket in progress from Tuesday 09:00
/// (Shanghai) enters the status at 10:00 and leaves it on Thursday at 10:00: 60 business minutes when the clock paused,
/// 60 + 900 when it ran (Tue 10:00–17:30 is 360, Wednesday 450, Thu 08:30–10:00 is 90).
/// </summary>
[TestFixture]
public sealed class ResolutionPauseTests : ApiPerTestFixture
{
    private const int Paused = 60;
    private const int Counted = 60 + 900;
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static DateTimeOffset Shanghai(int day, int hour) => new(2026, 12, day, hour, 0, 0, China);

    private static readonly TicketStatus[] DefaultPauseIn = [OnHold, PendingApproval];
    private static readonly TicketStatus[] PausableStatuses = [OnHold, PendingApproval, EscalatedToHq];

    public static IEnumerable<TestCaseData> Policies()
    {
        yield return new TestCaseData(null).SetName("Pause statuses under the default policy pause exactly OnHold and PendingApproval");
        foreach (var pauseIn in new TicketStatus[][] { [EscalatedToHq], [PendingApproval, EscalatedToHq], [OnHold, PendingApproval, EscalatedToHq], [] })
            yield return new TestCaseData((object)pauseIn).SetName($"Pause statuses under pauseIn [{string.Join(", ", pauseIn)}] pause exactly those");
    }

    /// <summary>One ticket per status that may pause, each there from Tuesday 10:00 to Thursday 10:00.</summary>
    [TestCaseSource(nameof(Policies))]
    public async Task TimeInAStatus_CountsAgainstTheResolutionTargetUnlessThePolicyPausesIt(TicketStatus[]? pauseIn)
    {
        if (pauseIn is not null) await PausePolicyAsync(pauseIn);
        var tickets = new Dictionary<TicketStatus, long>();
        foreach (var status in PausableStatuses)
            tickets[status] = (await _given.TicketIn(InProgress, Category.DataChange)).Id;

        _app.Clock.SetUtcNow(Shanghai(1, 10));
        foreach (var status in PausableStatuses) await Visit(status).Enter(tickets[status]);
        _app.Clock.SetUtcNow(Shanghai(3, 10));
        foreach (var status in PausableStatuses)
            Assert.That((await Visit(status).Leave(tickets[status])).Status, Is.EqualTo(InProgress));

        var clocks = new Dictionary<TicketStatus, JsonNode>();
        foreach (var status in PausableStatuses) clocks[status] = await ResolutionClockAsync(tickets[status]);
        Assert.Multiple(() =>
        {
            foreach (var status in PausableStatuses)
            {
                var pauses = (pauseIn ?? DefaultPauseIn).Contains(status);
                var clock = clocks[status];
                Assert.That(clock["elapsedBusinessMinutes"]!.GetValue<int>(), Is.EqualTo(pauses ? Paused : Counted),
                    $"two days in {status} {(pauses ? "pause" : "count")}");
                Assert.That(clock["state"]!.GetValue<string>(), Is.EqualTo("Running"), $"back from {status}");
                var pausedFor = clock["segments"]!.AsArray().Where(s => !s!["running"]!.GetValue<bool>()).Select(s => s!["reason"]?.GetValue<string>());
                Assert.That(pausedFor, pauses ? Is.EqualTo(new[] { status.ToString() }) : Is.Empty, $"pauses recorded for {status}");
            }
        });
    }

    [Test]
    public async Task MovingBetweenTwoPauseStatuses_KeepsTheClockPausedUntilWorkResumes()
    {
        await PausePolicyAsync([OnHold, EscalatedToHq]);
        var ticket = await _given.TicketIn(InProgress);

        _app.Clock.SetUtcNow(Shanghai(1, 10));
        await _given.Engineer.ActOkAsync(ticket.Id, "hold", new { reason = "Waiting for the vendor" });
        _app.Clock.SetUtcNow(Shanghai(2, 10));
        await _given.Engineer.ActOkAsync(ticket.Id, "escalate", new { reason = "Central defect", whatWasTried = "Vendor patch" });
        _app.Clock.SetUtcNow(Shanghai(3, 10));
        await _given.HqEngineer.ActOkAsync(ticket.Id, "hq-return", new { guidance = "Apply the central patch" });

        var clock = await ResolutionClockAsync(ticket.Id);
        Assert.That(clock["elapsedBusinessMinutes"]!.GetValue<int>(), Is.EqualTo(Paused));
        Assert.That(clock["state"]!.GetValue<string>(), Is.EqualTo("Running"));
    }

    /// <summary>How a ticket in progress enters the status, and how it comes back to InProgress.</summary>
    private (Func<long, Task<Itsm.Api.Tickets.TicketResponse>> Enter, Func<long, Task<Itsm.Api.Tickets.TicketResponse>> Leave) Visit(TicketStatus status) => status switch
    {
        OnHold => (id => _given.Engineer.ActOkAsync(id, "hold", new { reason = "Waiting for the user" }),
                   id => _given.Engineer.ActOkAsync(id, "resume")),
        PendingApproval => (id => _given.Engineer.ActOkAsync(id, "request-approval", Given.Plan),
                            id => _given.Approver.ActOkAsync(id, "approve", new { comment = "Go ahead" })),
        EscalatedToHq => (id => _given.Engineer.ActOkAsync(id, "escalate", new { reason = "Central defect", whatWasTried = "Reproduced it" }),
                          id => _given.HqEngineer.ActOkAsync(id, "hq-return", new { guidance = "Apply the central patch" })),
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    private async Task PausePolicyAsync(TicketStatus[] pauseIn)
    {
        using var hq = _app.As(Keys.HqItManager);
        var policy = (await hq.GetJsonAsync("/api/v1/sla/policies")).AsObject();
        policy.Remove("version");
        policy["pauseIn"] = new JsonArray(pauseIn.Select(s => (JsonNode)JsonValue.Create(s.ToString())!).ToArray());
        var put = await hq.Http.PutAsJsonAsync("/api/v1/sla/policies", policy);
        await TicketClient.ExpectAsync(put, HttpStatusCode.OK);
        Assert.That((await hq.GetJsonAsync("/api/v1/sla/policies"))["pauseIn"]!.AsArray().Select(s => s!.GetValue<string>()),
            Is.EqualTo(pauseIn.Select(s => s.ToString())));
    }

    private async Task<JsonNode> ResolutionClockAsync(long id) =>
        (await _given.ItManager.GetJsonAsync($"/api/v1/tickets/{id}/sla"))["clocks"]!.AsArray().Single(c => c!["kind"]!.GetValue<string>() == "Resolution")!;
}
