using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Tickets;
using static Itsm.Domain.Tickets.TicketStatus;

namespace Itsm.Api.Tests.Tickets;

/// <summary>
/// Every status × every action, performed by someone whose role may take that action somewhere in the lifecycle.
/// The expectations are docs/domain.md (Ticket lifecycle) written out by hand: allowed pairs move to the listed status, every other pair is a 409.
/// </summary>
[TestFixture]
public sealed class StateActionMatrixTests : ApiFixture
{
    private static readonly Dictionary<(TicketStatus, string), TicketStatus> Allowed = new()
    {
        [(New, "triage")] = Triaged,
        [(New, "resolve")] = Resolved,
        [(New, "cancel")] = Cancelled,
        [(New, "plan")] = New,
        [(Triaged, "plan")] = Triaged,
        [(InProgress, "plan")] = InProgress,
        [(Triaged, "start")] = InProgress,
        [(Triaged, "request-approval")] = PendingApproval,
        [(Triaged, "escalate")] = EscalatedToHq,
        [(Triaged, "resolve")] = Resolved,
        [(Triaged, "cancel")] = Cancelled,
        [(Triaged, "reassign")] = Triaged,
        [(InProgress, "request-approval")] = PendingApproval,
        [(InProgress, "hold")] = OnHold,
        [(InProgress, "escalate")] = EscalatedToHq,
        [(InProgress, "resolve")] = Resolved,
        [(InProgress, "reassign")] = InProgress,
        [(OnHold, "resume")] = InProgress,
        [(OnHold, "escalate")] = EscalatedToHq,
        [(OnHold, "cancel")] = Cancelled,
        [(OnHold, "reassign")] = OnHold,
        [(PendingApproval, "approve")] = InProgress,
        [(PendingApproval, "reject")] = Closed,
        [(EscalatedToHq, "hq-return")] = InProgress,
        [(EscalatedToHq, "resolve")] = Resolved,
        [(Resolved, "confirm")] = Closed,
        [(Resolved, "reopen")] = InProgress,
        [(New, "edit")] = New,
        [(Triaged, "edit")] = Triaged,
        [(InProgress, "edit")] = InProgress,
        [(OnHold, "edit")] = OnHold,
        [(PendingApproval, "edit")] = PendingApproval,
        [(EscalatedToHq, "edit")] = EscalatedToHq,
        [(Resolved, "edit")] = Resolved,
        [(New, "mark-duplicate")] = Cancelled,
        [(Triaged, "mark-duplicate")] = Cancelled,
        [(OnHold, "mark-duplicate")] = Cancelled,
    };

    /// <summary>The ticket a duplicate repeats (raised once, when first needed).</summary>
    private long? _original;

    private static readonly string[] Actions =
        ["triage", "start", "plan", "request-approval", "approve", "reject", "hold", "resume", "escalate", "hq-return", "resolve", "confirm", "reopen", "cancel", "reassign",
         "edit", "mark-duplicate"];

    public static IEnumerable<TestCaseData> Pairs() =>
        from status in Enum.GetValues<TicketStatus>()
        from action in Actions
        select new TestCaseData(status, action).SetName($"{action} in {status}");

    [TestCaseSource(nameof(Pairs))]
    public async Task Action_InEachStatus_FollowsTheLifecycle(TicketStatus status, string action)
    {
        // The plan belongs to a change; every other action is tried on an application problem.
        var ticket = await _given.TicketIn(status, action == "plan" ? Category.DataChange : Category.ApplicationProblem);
        _original ??= (await _given.Requester.CreateAsync()).Id;
        var (caller, body) = Performer(status, action);

        var response = await caller.ActAsync(ticket.Id, action, body, ticket.Version);

        if (Allowed.TryGetValue((status, action), out var target))
        {
            await TicketClient.ExpectAsync(response, HttpStatusCode.OK);
            var after = (await response.Content.ReadFromJsonAsync<TicketResponse>(TicketClient.Json))!;
            Assert.That(after.Status, Is.EqualTo(target));
            Assert.That(after.Version, Is.EqualTo(ticket.Version + 1));
            Assert.That(response.Headers.ETag?.Tag, Is.EqualTo($"\"{after.Version}\""));
        }
        else
        {
            var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Conflict);
            Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:action-not-allowed"));
            Assert.That(problem["allowedActions"], Is.Not.Null);
            var unchanged = await _given.ItManager.GetTicketAsync(ticket.Id);
            Assert.That((unchanged.Status, unchanged.Version), Is.EqualTo((status, ticket.Version)));
        }
    }

    [TestCaseSource(nameof(StatusesWithActions))]
    public async Task AllowedActions_ListExactlyWhatTheCallerMayDo(TicketStatus status, string key, string[] expected)
    {
        var ticket = await _given.TicketIn(status);
        using var caller = _app.As(key);

        var seen = await caller.GetTicketAsync(ticket.Id);

        Assert.That(seen.AllowedActions, Is.EquivalentTo(expected));
    }

    public static IEnumerable<TestCaseData> StatusesWithActions()
    {
        yield return new TestCaseData(New, Keys.JsServiceDesk, new[] { "triage", "resolve", "cancel", "comment", "edit", "mark-duplicate" });
        yield return new TestCaseData(New, Keys.JsRequester, new[] { "cancel", "comment", "edit" });
        yield return new TestCaseData(New, Keys.JsEngineer, new[] { "comment" });
        yield return new TestCaseData(Triaged, Keys.JsEngineer, new[] { "start", "request-approval", "escalate", "resolve", "reassign", "comment" });
        yield return new TestCaseData(InProgress, Keys.JsItManager, new[] { "escalate", "comment" });
        yield return new TestCaseData(PendingApproval, Keys.JsApprover, new[] { "approve", "reject", "comment" });
        yield return new TestCaseData(EscalatedToHq, Keys.HqEngineer, new[] { "hq-return", "resolve", "comment" });
        yield return new TestCaseData(Resolved, Keys.JsRequester, new[] { "confirm", "reopen", "comment" });
        yield return new TestCaseData(Closed, Keys.JsRequester, Array.Empty<string>());
        yield return new TestCaseData(Cancelled, Keys.JsServiceDesk, Array.Empty<string>());
    }

    /// <summary>Who would take this action in this status, and with what body.</summary>
    private (TicketClient Caller, object? Body) Performer(TicketStatus status, string action) => action switch
    {
        "triage" => (_given.ServiceDesk, new { group = "JS-L2SYS" }),
        "start" => (_given.Engineer, null),
        "plan" => (_given.Approver, new { what = "Correct the cost centre of 12 postings", rollback = "Re-post with the old cost centre" }),
        "request-approval" => (_given.Engineer, Given.Plan),
        "approve" => (_given.Approver, new { comment = "ok" }),
        "reject" => (_given.Approver, new { reason = "Not justified" }),
        "hold" => (_given.Engineer, new { reason = "Waiting for the vendor" }),
        "resume" => (_given.Engineer, null),
        "escalate" => (_given.Engineer, new { reason = "Central defect", whatWasTried = "Reproduced it" }),
        "hq-return" => (_given.HqEngineer, new { guidance = "Apply the patch" }),
        "resolve" => (status switch
        {
            New => _given.ServiceDesk,
            EscalatedToHq => _given.HqEngineer,
            _ => _given.Engineer,
        }, new { code = "Fixed", resolution = "Done" }),
        "confirm" => (_given.Requester, new { satisfaction = 5 }),
        "reopen" => (_given.Requester, new { reason = "Still failing" }),
        "cancel" => (_given.Requester, new { reason = "No longer needed" }),
        "reassign" => (_given.ServiceDesk, new { group = "JS-L2BIZ", reason = "Business O&M topic" }),
        // The requester corrects the text while the ticket is New; line 1 while it is open.
        "edit" => (status == New ? _given.Requester : _given.ServiceDesk, new { title = "ERP posting fails at month end" }),
        "mark-duplicate" => (_given.ServiceDesk, new { type = "DuplicateOf", ticket = _original }),
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}
