using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Api.Tickets;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using static Itsm.Domain.Organisation.Role;
using static Itsm.Domain.Tickets.TicketStatus;

namespace Itsm.Api.Tests.Tickets;

/// <summary>
/// Every caller × every action × every status, for a change and for anything else: who may do what (docs/domain.md (Roles, Ticket lifecycle)).
/// The rules are written out below by hand from the domain model, not read from the service's own table, so that a
/// row of the table that loses a guard or gains a role is caught. A JS ticket assigned to JS-L2SYS; the callers are
/// people inside and outside that group, its requester, the department's approver, the unit's and HQ's managers,
/// HQ's engineer and HQ's system.
/// </summary>
[TestFixture]
public sealed class RoleActionMatrixTests
{
    private enum Relation { Anyone, OfTheAssignedGroup, WithLine1, RaisedIt, RaisedItAndNotAChange, OwningDepartmentNeitherRaisedNorAskedForApproval, AtHq, AtHqInTheNamedHqGroup, OfTheOwningDepartment }

    private enum Readiness { Always, ApprovedIfChange, IsChange, ChangeNotYetApproved, WithinConfirmationWindow }

    /// <param name="NotTheApprover">Separation of duties: whoever approved the change may not take this action (implement it).</param>
    private sealed record Rule(string Action, TicketStatus[] From, Role By, TicketStatus? To,
        Relation Relation = Relation.Anyone, Readiness Ready = Readiness.Always, bool NotTheApprover = false);

    /// <summary>docs/domain.md (Ticket lifecycle), row by row, with the relation to the ticket §3 asks of each role. To null: the status stays.</summary>
    private static readonly Rule[] Lifecycle =
    [
        new("triage", [New], ServiceDesk, Triaged),
        new("start", [Triaged], Engineer, InProgress, Relation.OfTheAssignedGroup),
        // The business department starts or revises the plan of a change until it is approved (after that, only a new request-approval).
        new("plan", [New, Triaged, InProgress], BusinessApprover, null, Relation.OfTheOwningDepartment, Readiness.ChangeNotYetApproved),
        new("request-approval", [Triaged, InProgress], Engineer, PendingApproval, Relation.OfTheAssignedGroup),
        // Only an approver of the department that owns the system at the ticket's unit, who neither raised it nor asked.
        new("approve", [PendingApproval], BusinessApprover, InProgress, Relation.OwningDepartmentNeitherRaisedNorAskedForApproval),
        new("reject", [PendingApproval], BusinessApprover, Closed, Relation.OwningDepartmentNeitherRaisedNorAskedForApproval),
        new("hold", [InProgress], Engineer, OnHold, Relation.OfTheAssignedGroup),
        new("resume", [OnHold], Engineer, InProgress, Relation.OfTheAssignedGroup),
        new("escalate", [Triaged, InProgress, OnHold], Engineer, EscalatedToHq, Relation.OfTheAssignedGroup),
        new("escalate", [Triaged, InProgress, OnHold], ItManager, EscalatedToHq),
        // An escalation that names an HQ group is answered by that group's members (or HQ's system), any HQ engineer otherwise.
        new("hq-return", [EscalatedToHq], HqEngineer, InProgress, Relation.AtHqInTheNamedHqGroup),
        new("hq-return", [EscalatedToHq], Integration, InProgress, Relation.AtHq),
        // Resolving: at first contact by line 1, by the assigned group while it works on it, by HQ once escalated;
        // a change only once its department approved it, and never by whoever approved it.
        new("resolve", [New, Triaged], ServiceDesk, Resolved, Ready: Readiness.ApprovedIfChange, NotTheApprover: true),
        new("resolve", [Triaged, InProgress], Engineer, Resolved, Relation.OfTheAssignedGroup, Readiness.ApprovedIfChange, NotTheApprover: true),
        // Reopened after line 1 resolved it at first contact, it is in progress with line 1 (no group), which answers it again.
        new("resolve", [InProgress], ServiceDesk, Resolved, Relation.WithLine1, Readiness.ApprovedIfChange, NotTheApprover: true),
        new("resolve", [EscalatedToHq], HqEngineer, Resolved, Relation.AtHqInTheNamedHqGroup, Readiness.ApprovedIfChange, NotTheApprover: true),
        new("resolve", [EscalatedToHq], Integration, Resolved, Relation.AtHq, Readiness.ApprovedIfChange, NotTheApprover: true),
        // A change is closed by its department's evaluation, never by its requester; the body here says "effective"
        // (not effective sends it back to InProgress: Tickets/EvaluationTests). Its approver may also reopen it.
        new("confirm", [Resolved], Requester, Closed, Relation.RaisedItAndNotAChange),
        new("confirm", [Resolved], BusinessApprover, Closed, Relation.OfTheOwningDepartment, Readiness.IsChange),
        new("reopen", [Resolved], Requester, InProgress, Relation.RaisedIt, Readiness.WithinConfirmationWindow),
        new("reopen", [Resolved], BusinessApprover, InProgress, Relation.OfTheOwningDepartment, Readiness.IsChange),
        new("cancel", [New, Triaged, OnHold], Requester, Cancelled, Relation.RaisedIt),
        new("cancel", [New, Triaged, OnHold], ServiceDesk, Cancelled),
        // Reassigning between groups is not a status change; line 1 and the assigned group may do it while work is open.
        new("reassign", [Triaged, InProgress, OnHold], ServiceDesk, null),
        new("reassign", [Triaged, InProgress, OnHold], Engineer, null, Relation.OfTheAssignedGroup),
        // The requester corrects the text of their ticket while it is New; line 1 corrects any field while it is open.
        new("edit", [New], Requester, null, Relation.RaisedIt),
        new("edit", [New, Triaged, InProgress, OnHold, PendingApproval, EscalatedToHq, Resolved], ServiceDesk, null),
        // Line 1 cancels a repeat of another ticket before work on it has started (or while it waits).
        new("mark-duplicate", [New, Triaged, OnHold], ServiceDesk, Cancelled),
    ];

    private sealed record Caller(string Name, string Key, Role[] Roles, bool InAssignedGroup = false, bool RaisedIt = false,
        bool AskedForApproval = false, bool AtHq = false, bool InOwningDepartment = false, bool ApprovedIt = false)
    {
        public override string ToString() => Name;
    }

    private const string OutsiderKeyPlaceholder = "created in set-up";

    private static readonly Caller[] Callers =
    [
        new("its requester", Keys.JsRequester, [Requester], RaisedIt: true),
        // The tickets are on ERP at JS: owned by JS Finance.
        new("the department's approver", Keys.JsApprover, [BusinessApprover, Requester], InOwningDepartment: true, ApprovedIt: true),
        new("another department's approver", Keys.JsHrApprover, [BusinessApprover, Requester]),
        new("the service desk", Keys.JsServiceDesk, [ServiceDesk]),
        new("an engineer of the assigned group", Keys.JsEngineer, [Engineer], InAssignedGroup: true, AskedForApproval: true),
        new("an engineer of another group", OutsiderKeyPlaceholder, [Engineer]),
        new("the unit's IT manager", Keys.JsItManager, [ItManager]),
        new("HQ's IT manager", Keys.HqItManager, [ItManager], AtHq: true),
        new("HQ's engineer", Keys.HqEngineer, [Engineer, HqEngineer], AtHq: true),
        new("HQ's system", Keys.HqIntegration, [Integration], AtHq: true),
    ];

    /// <summary>
    /// Where the service departs from docs/domain.md today: (action, caller, family) → what it answers instead. Each is a
    /// reported gap; delete the entry when the rule is implemented.
    /// </summary>
    private static readonly Dictionary<(string Action, string Caller, string Family), Outcome> KnownGaps = new();

    /// <summary>
    /// A kind of ticket: its status, whether it is a change, whether that change has been approved, whether its
    /// escalation names an HQ group none of the callers belongs to, and whether it is back in progress with line 1 (resolved by
    /// the service desk at first contact, then reopened by its requester: no group holds it).
    /// </summary>
    public sealed record Family(TicketStatus Status, bool Change, bool Approved, bool ToAnotherHqGroup = false, bool ReopenedAtLine1 = false)
    {
        public Category Category => Change ? Category.ConfigurationChange : Category.ApplicationProblem;

        public string? HqGroup => ToAnotherHqGroup ? AnotherHqGroup : null;

        public override string ToString() =>
            (Change ? Approved ? "approved change, " : "change, " : "") + Status + (ToAnotherHqGroup ? " to another HQ group" : "")
            + (ReopenedAtLine1 ? " reopened after first contact" : "");
    }

    /// <summary>An HQ line-3 group created in set-up, without members: none of the callers is in it.</summary>
    private const string AnotherHqGroup = "HQ-L3-OTHER";

    private static readonly Family[] Families =
    [
        ..Enum.GetValues<TicketStatus>().Select(s => new Family(s, false, false)),
        new(New, true, false), new(Triaged, true, false), new(InProgress, true, false), new(InProgress, true, true),
        new(OnHold, true, false), new(OnHold, true, true), new(PendingApproval, true, false),
        new(EscalatedToHq, true, false), new(EscalatedToHq, true, true), new(Resolved, true, true), new(Closed, true, true),
        new(Cancelled, true, false),
        new(EscalatedToHq, false, false, ToAnotherHqGroup: true), new(EscalatedToHq, true, true, ToAnotherHqGroup: true),
        new(InProgress, false, false, ReopenedAtLine1: true),
    ];

    private static readonly string[] Actions =
        ["triage", "start", "plan", "request-approval", "approve", "reject", "hold", "resume", "escalate", "hq-return", "resolve", "confirm", "reopen", "cancel", "reassign",
         "edit", "mark-duplicate"];

    public enum Outcome { Done, Forbidden, NotInThisStatus, NotReady, SomethingElse }

    private ItsmApp _app = null!;
    private Province _js = null!;
    private readonly Dictionary<string, TicketClient> _clients = [];
    private readonly ConcurrentDictionary<Family, Task<TicketResponse>> _shared = new();

    [OneTimeSetUp]
    public async Task StartApp()
    {
        _app = new ItsmApp();
        _js = new Province(_app, "JS");
        using (var hqManager = _app.As(Keys.HqItManager))
            await TicketClient.ExpectAsync(await hqManager.Http.PostAsJsonAsync("/api/v1/admin/groups",
                new { id = AnotherHqGroup, name = "Another HQ line-3 group", unit = "HQ", line = "Line3" }), HttpStatusCode.Created);
        using var manager = _app.As(Keys.JsItManager);
        await TicketClient.ExpectAsync(await manager.Http.PostAsJsonAsync("/api/v1/admin/users",
            new { id = "js-engineer-biz", name = "JS business O&M engineer", unit = "JS", roles = new[] { "Engineer" }, groups = new[] { _js.OtherGroup } }),
            HttpStatusCode.Created);
        var issued = await manager.Http.PostAsJsonAsync("/api/v1/admin/users/js-engineer-biz/api-keys", new { name = "matrix" });
        await TicketClient.ExpectAsync(issued, HttpStatusCode.Created);
        var outsiderKey = (await issued.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        foreach (var caller in Callers)
            _clients[caller.Name] = _app.As(caller.Key == OutsiderKeyPlaceholder ? outsiderKey : caller.Key);
        _original = (await _js.TicketIn(New, Category.ApplicationProblem, false)).Id;
    }

    /// <summary>The JS ticket every duplicate repeats: visible to every caller.</summary>
    private long _original;

    [OneTimeTearDown]
    public void StopApp()
    {
        foreach (var client in _clients.Values) client.Dispose();
        _js.Dispose();
        _app.Dispose();
    }

    public static IEnumerable<TestCaseData> Cases() =>
        from family in Families
        from action in Actions
        select new TestCaseData(family, action).SetName($"{action} on {family}");

    [TestCaseSource(nameof(Cases))]
    public async Task Action_ByEveryCaller_FollowsTheRolesAndTheLifecycle(Family family, string action)
    {
        var shared = await _shared.GetOrAdd(family, f => TicketFor(f));
        var mismatches = new List<string>();

        foreach (var caller in Callers)
        {
            var (expected, target) = Expected(caller, action, family);
            if (KnownGaps.TryGetValue((action, caller.Name, family.ToString()), out var asBuilt))
            {
                expected = asBuilt;
                // A gap that lets the action through moves the ticket where the role's row leads.
                if (asBuilt == Outcome.Done)
                    target ??= Lifecycle.FirstOrDefault(r => r.Action == action && r.From.Contains(family.Status) && caller.Roles.Contains(r.By))?.To;
            }
            var ticket = expected == Outcome.Done ? await TicketFor(family) : shared;

            var response = await _clients[caller.Name].ActAsync(ticket.Id, action, Body(action, family), ticket.Version);

            var (seen, detail) = await OutcomeOf(response);
            if (seen != expected)
            {
                mismatches.Add($"{caller}: expected {expected}, got {(int)response.StatusCode} {seen} ({detail})");
                // The shared ticket moved: go on (and let later cases of this family go on) from a new one.
                if (seen == Outcome.Done && ticket == shared)
                {
                    _shared.TryRemove(family, out _);
                    shared = await _shared.GetOrAdd(family, f => TicketFor(f));
                }
            }
            else if (seen == Outcome.Done && detail != (target ?? family.Status).ToString())
                mismatches.Add($"{caller}: expected the ticket in {target ?? family.Status}, got {detail}");
        }

        var after = await _js.ItManager.GetTicketAsync(shared.Id);
        Assert.Multiple(() =>
        {
            Assert.That(mismatches, Is.Empty);
            Assert.That((after.Status, after.Version), Is.EqualTo((shared.Status, shared.Version)), "refusals change nothing");
        });
    }

    /// <summary>
    /// What the API answers, from the rules above: a role that may never take the action, or may not take it in this
    /// status while others may, is forbidden (403); an action no one may take in this status is not allowed there
    /// (409); the right role without the right relation to the ticket is forbidden (403); the right person while the
    /// ticket is not ready (an unapproved change) is a conflict (409).
    /// </summary>
    private static (Outcome Outcome, TicketStatus? To) Expected(Caller caller, string action, Family family)
    {
        var rules = Lifecycle.Where(r => r.Action == action).ToList();
        if (!rules.Any(r => caller.Roles.Contains(r.By))) return (Outcome.Forbidden, null);
        var here = rules.Where(r => r.From.Contains(family.Status)).ToList();
        if (here.Count == 0) return (Outcome.NotInThisStatus, null);
        var mine = here.Where(r => caller.Roles.Contains(r.By)).ToList();
        if (mine.Count == 0) return (Outcome.Forbidden, null);
        if (mine.FirstOrDefault(r => Related(caller, r, family) && Ready(family, r.Ready)) is { } granted) return (Outcome.Done, granted.To);
        return mine.Any(r => Related(caller, r, family)) ? (Outcome.NotReady, null) : (Outcome.Forbidden, null);
    }

    private static bool Related(Caller caller, Rule rule, Family family) =>
        Related(caller, rule.Relation, family) && !(rule.NotTheApprover && family.Approved && caller.ApprovedIt);

    private static bool Related(Caller caller, Relation relation, Family family) => relation switch
    {
        Relation.Anyone => true,
        // The assigned group is JS-L2SYS, unless the ticket is back with line 1 (no group).
        Relation.OfTheAssignedGroup => caller.InAssignedGroup && !family.ReopenedAtLine1,
        Relation.WithLine1 => family.ReopenedAtLine1 || caller.InAssignedGroup,
        Relation.RaisedIt => caller.RaisedIt,
        Relation.RaisedItAndNotAChange => caller.RaisedIt && !family.Change,
        Relation.OwningDepartmentNeitherRaisedNorAskedForApproval => caller.InOwningDepartment && !caller.RaisedIt && !caller.AskedForApproval,
        Relation.AtHq => caller.AtHq,
        Relation.AtHqInTheNamedHqGroup => caller.AtHq && !family.ToAnotherHqGroup,
        Relation.OfTheOwningDepartment => caller.InOwningDepartment,
        _ => throw new ArgumentOutOfRangeException(nameof(relation)),
    };

    // The fixture's clock does not move: a resolved ticket is always within its confirmation window.
    private static bool Ready(Family family, Readiness readiness) => readiness switch
    {
        Readiness.Always or Readiness.WithinConfirmationWindow => true,
        Readiness.ApprovedIfChange => !family.Change || family.Approved,
        Readiness.IsChange => family.Change,
        Readiness.ChangeNotYetApproved => family.Change && !family.Approved,
        _ => throw new ArgumentOutOfRangeException(nameof(readiness)),
    };

    /// <summary>A new ticket of this family, as the people whose job it is would bring it there.</summary>
    private async Task<TicketResponse> TicketFor(Family family)
    {
        if (!family.ReopenedAtLine1) return await _js.TicketIn(family.Status, family.Category, family.Approved, hqGroup: family.HqGroup);
        var ticket = await _js.TicketIn(New, family.Category);
        ticket = await _js.ServiceDesk.ActOkAsync(ticket.Id, "resolve", Province.ResolveBody(family.Category), ticket.Version);
        return await _js.Requester.ActOkAsync(ticket.Id, "reopen", new { reason = "It happens again" }, ticket.Version);
    }

    private static async Task<(Outcome Outcome, string Detail)> OutcomeOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
            return (Outcome.Done, JsonNode.Parse(text)!["status"]!.GetValue<string>());
        var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? JsonNode.Parse(text) : null;
        var detail = problem?["detail"]?.GetValue<string>() ?? text;
        return ((int)response.StatusCode, problem?["type"]?.GetValue<string>()) switch
        {
            (403, "urn:itsm:problem:forbidden" or "urn:itsm:problem:not-owning-department") => (Outcome.Forbidden, detail),
            (409, "urn:itsm:problem:action-not-allowed") => (Outcome.NotInThisStatus, detail),
            (409, "urn:itsm:problem:precondition-not-met") => (Outcome.NotReady, detail),
            _ => (Outcome.SomethingElse, detail),
        };
    }

    private object? Body(string action, Family family) => action switch
    {
        "triage" => new { group = _js.AssignedGroup },
        "start" or "resume" => null,
        "request-approval" => Given.Plan,
        "approve" => new { comment = "ok" },
        "reject" => new { reason = "Not justified" },
        "hold" => new { reason = "Waiting for the vendor" },
        "escalate" => new { reason = "Central defect", whatWasTried = "Reproduced it" },
        "hq-return" => new { guidance = "Apply the patch" },
        "resolve" => Province.ResolveBody(family.Category),
        "plan" => new { what = "Grant role AP_CLERK", transport = "Role change request QA → production" },
        "confirm" => family.Change ? new { effective = true, satisfaction = 5 } : (object)new { satisfaction = 5 },
        "reopen" => new { reason = "Still failing" },
        "cancel" => new { reason = "No longer needed" },
        "reassign" => new { group = _js.OtherGroup, reason = "Business O&M topic" },
        "edit" => new { title = "ERP posting fails at month end" },
        "mark-duplicate" => new { type = "DuplicateOf", ticket = _original },
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}
