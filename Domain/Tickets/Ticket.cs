using Itsm.Domain.Escalations;
using Itsm.Domain.Organisation;

namespace Itsm.Domain.Tickets;

/// <summary>A user who may be given a ticket: assignees must belong to the ticket's group.</summary>
public sealed record Assignee(string UserId, IReadOnlySet<string> GroupIds);

/// <summary>One line of a ticket's history: who did what, when, and the status before and after.</summary>
public sealed record HistoryEntry(
    DateTimeOffset At, string ActorId, string Action, TicketStatus? From, TicketStatus? To,
    IReadOnlyDictionary<string, object?> Details, bool Internal = false);

/// <summary>What a requester supplies when raising a ticket; for a change, optionally the start of its plan.</summary>
public sealed record TicketRequest(string Title, string Description, Category Category, Impact Impact, Urgency Urgency,
    ExternalRef? ExternalRef = null, ChangePlan? Plan = null);

/// <summary>What an inspection run found wrong with one item: the finding ticket is made from it.</summary>
public sealed record Finding(long RunId, string ItemCode, string Title, string Description, Impact Impact, Urgency Urgency);

/// <summary>The caller's own reference for a ticket (its system and id), unique per caller: create-or-find.</summary>
public sealed record ExternalRef(string System, string Id);

/// <summary>The ticket aggregate. Every change goes through <see cref="TicketWorkflow"/> and appends a history entry.</summary>
public sealed class Ticket
{
    private readonly List<HistoryEntry> _changes = [];

    private Ticket() { }

    public long Id { get; private set; }
    public string Number { get; private set; } = "";
    public string UnitId { get; private set; } = "";
    public string UnitPath { get; private set; } = "";
    public string SystemId { get; private set; } = "";
    public Category Category { get; private set; }
    public string Title { get; private set; } = "";
    public string Description { get; private set; } = "";
    public Impact Impact { get; private set; }
    public Urgency Urgency { get; private set; }
    public Priority Priority { get; private set; }
    public TicketStatus Status { get; private set; }
    public ClosureOutcome? Outcome { get; private set; }
    public string? GroupId { get; private set; }
    public string? AssigneeId { get; private set; }
    /// <summary>Whom the ticket serves: sees it, comments, confirms, reopens and cancels it as their own.</summary>
    public string RequesterId { get; private set; } = "";
    /// <summary>Who raised it: the requester, or line 1 or an integration raising it on the requester's behalf.</summary>
    public string RaisedBy { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? TriagedAt { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public DateTimeOffset? ConfirmationDue { get; private set; }
    public ResolutionCode? ResolutionCode { get; private set; }
    public string? Resolution { get; private set; }
    public int? Satisfaction { get; private set; }
    public ApprovalStatus? ApprovalStatus { get; private set; }
    public string? ApprovalRequestedBy { get; private set; }
    /// <summary>Who approved the change, and when: the approver may not implement it, and it is implemented after this.</summary>
    public string? ApprovedBy { get; private set; }
    public DateTimeOffset? ApprovedAt { get; private set; }
    /// <summary>The owning department's latest evaluation of a change (Art. 9(5)): effective or not, by whom, when.</summary>
    public bool? Effective { get; private set; }
    public string? EvaluatedBy { get; private set; }
    public DateTimeOffset? EvaluatedAt { get; private set; }
    /// <summary>When the people who should evaluate this resolved change were told its evaluation is overdue (once per resolution).</summary>
    public DateTimeOffset? EvaluationOverdueNotifiedAt { get; private set; }
    public string? PlanWhat { get; private set; }
    public string? PlanTransport { get; private set; }
    public string? PlanBackup { get; private set; }
    public string? PlanTest { get; private set; }
    public string? PlanRollback { get; private set; }
    /// <summary>Who wrote the plan's latest version, and when (every version is in the history).</summary>
    public string? PlanWrittenBy { get; private set; }
    public DateTimeOffset? PlanWrittenAt { get; private set; }
    /// <summary>O&amp;M's assessment of the change, made when it asked for the approval.</summary>
    public ChangeRisk? AssessedRisk { get; private set; }
    public string? AssessedImpact { get; private set; }
    public string? AssessedBy { get; private set; }
    public DateTimeOffset? AssessedAt { get; private set; }
    /// <summary>When a resolved change was implemented, and the test made after it with its outcome.</summary>
    public DateTimeOffset? ImplementedAt { get; private set; }
    public string? TestResult { get; private set; }
    public DateTimeOffset? EscalatedAt { get; private set; }
    /// <summary>The HQ group the current escalation names (相关部门): only its members (and the HQ system) answer it.</summary>
    public string? HqGroup { get; private set; }
    public int SlaPolicyVersion { get; private set; }
    public DateTimeOffset? ResponseDue { get; private set; }
    public DateTimeOffset? ResolutionDue { get; private set; }
    public SlaState SlaState { get; private set; }
    public string? ExternalSystem { get; private set; }
    public string? ExternalId { get; private set; }
    public long ChangeSequence { get; private set; }
    public int Version { get; private set; }

    /// <summary>For an inspection finding: the run and item (code) whose failure opened it; one ticket per run item.</summary>
    public long? InspectionRunId { get; private set; }
    public string? InspectionItem { get; private set; }

    /// <summary>
    /// The business department (code) that owns the ticket's system at the ticket's unit: the owner entry of the nearest unit
    /// on the ticket's unit path. Not stored with the ticket: the store looks it up when it reads the ticket (null: unknown).
    /// </summary>
    public string? OwningDepartment { get; private set; }

    /// <summary>History entries made since the ticket was loaded; the store appends them with the change.</summary>
    public IReadOnlyList<HistoryEntry> Changes => _changes;

    public ChangePlan Plan => new(PlanWhat, PlanTransport, PlanBackup, PlanTest, PlanRollback);

    // A plan stored before its writer was recorded (and without a request-approval in its history) shows an empty writer.
    public WrittenPlan? WrittenPlan => Plan.IsEmpty ? null : new WrittenPlan(Plan, PlanWrittenBy ?? "", PlanWrittenAt ?? UpdatedAt);

    public RecordedAssessment? Assessment => AssessedRisk is { } risk
        ? new RecordedAssessment(risk, AssessedImpact ?? "", AssessedBy ?? "", AssessedAt ?? UpdatedAt) : null;

    /// <summary>
    /// Raises a ticket for <paramref name="onBehalfOf"/> (a user id; null: for the caller). Whether the caller may raise it,
    /// and for whom, is the <see cref="TicketAction.Request"/> rows of <see cref="TicketWorkflow"/>.
    /// </summary>
    public static (Ticket? Ticket, TicketError? Error) Raise(
        TicketRequest request, Actor by, Unit unit, BusinessSystem system, PriorityMatrix matrix, DateTimeOffset now, string? onBehalfOf = null)
    {
        var ticket = new Ticket
        {
            UnitId = unit.Id, UnitPath = unit.Path, SystemId = system.Id, Category = request.Category,
            Title = request.Title, Description = request.Description, Impact = request.Impact, Urgency = request.Urgency,
            Priority = matrix.PriorityOf(request.Impact, request.Urgency), Status = TicketStatus.New,
            RequesterId = onBehalfOf ?? by.UserId, RaisedBy = by.UserId, CreatedAt = now, UpdatedAt = now, Version = 1,
            ExternalSystem = request.ExternalRef?.System, ExternalId = request.ExternalRef?.Id,
        };
        if (TicketWorkflow.DecideRaise(ticket, by, now).Error is { } refused) return (null, refused);
        if (!UnitPaths.IsWithin(unit.Path, system.UnitPath))
            return (null, TicketError.Invalid($"System '{system.Id}' is not used by unit '{unit.Id}': it belongs to unit '{system.UnitId}'."));
        if (request.Plan is not null && !request.Category.NeedsApproval())
            return (null, TicketError.InvalidField("plan", $"A plan comes with a change ({string.Join(", ", CategoryRules.Changes)}), not with {request.Category}."));
        if (request.Plan is { } start && NoWhat(start) is { } noWhat) return (null, noWhat);

        ticket.Requested(by.UserId, now, ("requester", ticket.RequesterId), ("raisedBy", ticket.RaisedBy));
        // The requester's plan is the plan's first version: a write of its own in the history.
        if (request.Plan is { } plan) ticket.WritePlan(by, now, plan, TicketAction.Plan, ticket.Status);
        return (ticket, null);
    }

    /// <summary>
    /// Why this caller may not raise a ticket for <paramref name="requesterId"/> (null: it may), asked before anything about
    /// the ticket is looked up so that a caller who may not raise one learns nothing about the organisation.
    /// </summary>
    public static TicketError? RaiseRefusal(Actor by, string requesterId, DateTimeOffset now) =>
        TicketWorkflow.DecideRaise(new Ticket { RequesterId = requesterId, RaisedBy = by.UserId, Status = TicketStatus.New }, by, now).Error;

    /// <summary>
    /// An inspection finding (docs/domain.md (Inspection)): raised by whoever recorded the failure (the service itself for a
    /// probe) and already triaged to the plan's group, so its response is met at once and its resolution clock runs.
    /// </summary>
    public static Ticket RaiseFinding(Finding finding, string requesterId, Unit unit, BusinessSystem system, SupportGroup group,
        PriorityMatrix matrix, DateTimeOffset now)
    {
        var priority = matrix.PriorityOf(finding.Impact, finding.Urgency);
        var ticket = new Ticket
        {
            UnitId = unit.Id, UnitPath = unit.Path, SystemId = system.Id, Category = Category.InspectionFinding,
            Title = finding.Title, Description = finding.Description, Impact = finding.Impact, Urgency = finding.Urgency,
            Priority = priority, Status = TicketStatus.Triaged, GroupId = group.Id, TriagedAt = now,
            RequesterId = requesterId, RaisedBy = requesterId, CreatedAt = now, UpdatedAt = now, Version = 1,
            InspectionRunId = finding.RunId, InspectionItem = finding.ItemCode,
        };
        ticket.Requested(requesterId, now, ("inspectionRun", finding.RunId), ("inspectionItem", finding.ItemCode));
        ticket._changes.Add(new HistoryEntry(now, requesterId, TicketAction.Triage.Name(), TicketStatus.New, TicketStatus.Triaged,
            Details(("group", group.Id), ("priority", priority), ("note", "Opened by an inspection run"))));
        return ticket;
    }

    /// <summary>
    /// An AccountPermission change the service raises itself (requester <c>system</c>), e.g. for an access review's Revoke:
    /// its plan is written whole, so it goes through the normal triage and approval.
    /// </summary>
    public static Ticket RaiseServiceChange(string title, string description, Unit unit, BusinessSystem system, ChangePlan plan,
        PriorityMatrix matrix, DateTimeOffset now, params (string Key, object? Value)[] links)
    {
        var service = Actor.System;
        var ticket = new Ticket
        {
            UnitId = unit.Id, UnitPath = unit.Path, SystemId = system.Id, Category = Category.AccountPermission,
            Title = title, Description = description, Impact = Impact.Unit, Urgency = Urgency.Medium,
            Priority = matrix.PriorityOf(Impact.Unit, Urgency.Medium), Status = TicketStatus.New,
            RequesterId = service.UserId, RaisedBy = service.UserId, CreatedAt = now, UpdatedAt = now, Version = 1,
        };
        ticket.Requested(service.UserId, now, links);
        ticket.WritePlan(service, now, plan, TicketAction.Plan, ticket.Status);
        return ticket;
    }

    /// <summary>The service levels the ticket runs under, and what its clocks say now.</summary>
    public void UnderSlaPolicy(int version) => SlaPolicyVersion = version;

    /// <summary>Takes the due times and the worst state of the ticket's clocks (derived data: it does not change the version).</summary>
    public void ShowSla(IEnumerable<Sla.SlaClock> clocks)
    {
        var all = clocks.ToList();
        ResponseDue = all.FirstOrDefault(c => c.Kind == Sla.ClockKind.Response)?.DueAt;
        ResolutionDue = all.FirstOrDefault(c => c.Kind == Sla.ClockKind.Resolution)?.DueAt;
        SlaState = all.Any(c => c.IsBreached) ? SlaState.Breached
            : all.Any(c => c.Warned && c.StoppedAt is null) ? SlaState.Warning : SlaState.Ok;
    }

    /// <summary>Records a service-level event (warning, breach) in the history.</summary>
    public void RecordSlaEvent(string type, DateTimeOffset now, IReadOnlyDictionary<string, object?> details) =>
        RecordEvent(Actor.System.UserId, type, now, details);

    /// <summary>Records something that happened to the ticket without changing it (e.g. HQ acknowledged an escalation).</summary>
    public void RecordEvent(string actorId, string type, DateTimeOffset now, IReadOnlyDictionary<string, object?> details, bool @internal = false) =>
        _changes.Add(new HistoryEntry(now, actorId, type, Status, Status, details, @internal));

    /// <summary>Called by the store when it reads the ticket: who owns its system at its unit now.</summary>
    public void OwnedBy(string? department) => OwningDepartment = department;

    /// <summary>Called by the store: the number of the latest change, in commit order across all tickets.</summary>
    public void Sequenced(long changeSequence) => ChangeSequence = changeSequence;

    /// <summary>Called by the store once the ticket has its identity.</summary>
    public void Identify(long id, string number) => (Id, Number) = (id, number);

    /// <summary>Drops history entries made after the first <paramref name="count"/> (a store retrying a unit of work).</summary>
    public void RewindChanges(int count)
    {
        if (count < _changes.Count) _changes.RemoveRange(count, _changes.Count - count);
    }

    /// <summary>Called by the store once a change is saved.</summary>
    public void Saved(int version)
    {
        Version = version;
        _changes.Clear();
    }

    public IReadOnlyList<TicketAction> AllowedActions(Actor actor, DateTimeOffset now) => TicketWorkflow.AllowedActions(this, actor, now);

    public TicketError? Triage(Actor by, DateTimeOffset now, Category category, Impact impact, Urgency urgency,
        SupportGroup group, Assignee? assignee, PriorityMatrix matrix, string? note) =>
        Perform(TicketAction.Triage, by, now, () => AssignmentError(group, assignee), () =>
        {
            (Category, Impact, Urgency, Priority) = (category, impact, urgency, matrix.PriorityOf(impact, urgency));
            (GroupId, AssigneeId, TriagedAt) = (group.Id, assignee?.UserId, now);
        }, Details(("category", category), ("impact", impact), ("urgency", urgency),
                   ("priority", matrix.PriorityOf(impact, urgency)), ("group", group.Id), ("assignee", assignee?.UserId), ("note", note)));

    public TicketError? Start(Actor by, DateTimeOffset now, string? note) =>
        Perform(TicketAction.Start, by, now, null, () => AssigneeId ??= by.UserId, Details(("assignee", AssigneeId ?? by.UserId), ("note", note)));

    /// <summary>The owning department's approver starts or revises the plan of a change (parts not given are kept).</summary>
    public TicketError? SupplyPlan(Actor by, DateTimeOffset now, ChangePlan parts) =>
        Perform(TicketAction.Plan, by, now, () => NoWhat(parts),
            () => WritePlanParts(by, now, parts), Details(("plan", parts.Written())));

    /// <summary>
    /// O&amp;M asks the business department to approve: it may complete and revise the plan, which must then have every part,
    /// and records its assessment of the risk and impact.
    /// </summary>
    public TicketError? RequestApproval(Actor by, DateTimeOffset now, ChangePlan? revision, ChangeAssessment assessment) =>
        Perform(TicketAction.RequestApproval, by, now, () => Plan.RevisedBy(revision).MissingParts() is { Count: > 0 } missing
                ? TicketError.InvalidFields(missing.Select(p => "plan." + p).ToList(),
                    $"The plan has no {string.Join(", ", missing)} yet: a change is approved on a complete plan ({string.Join(", ", ChangePlan.PartNames)}).")
                : null,
            () =>
            {
                (ApprovalStatus, ApprovalRequestedBy) = (Tickets.ApprovalStatus.Pending, by.UserId);
                if (revision is { IsEmpty: false }) WritePlanParts(by, now, revision);
                (AssessedRisk, AssessedImpact, AssessedBy, AssessedAt) = (assessment.Risk, assessment.Impact, by.UserId, now);
            },
            Details(("plan", revision is { IsEmpty: false } ? revision.Written() : null), ("risk", assessment.Risk), ("impact", assessment.Impact)));

    public TicketError? Approve(Actor by, DateTimeOffset now, string? comment) =>
        Perform(TicketAction.Approve, by, now, null, () =>
        {
            (ApprovalStatus, ApprovedBy, ApprovedAt) = (Tickets.ApprovalStatus.Approved, by.UserId, now);
        }, Details(("comment", comment)));

    public TicketError? Reject(Actor by, DateTimeOffset now, string reason) =>
        Perform(TicketAction.Reject, by, now, null, () => ApprovalStatus = Tickets.ApprovalStatus.Rejected, Details(("reason", reason)));

    public TicketError? Hold(Actor by, DateTimeOffset now, string reason) =>
        Perform(TicketAction.Hold, by, now, null, null, Details(("reason", reason)));

    public TicketError? Resume(Actor by, DateTimeOffset now, string? note) =>
        Perform(TicketAction.Resume, by, now, null, null, Details(("note", note)));

    /// <summary>Escalates to headquarters, optionally naming the HQ group that should take it (null: any of HQ's line 3).</summary>
    public TicketError? EscalateToHq(Actor by, DateTimeOffset now, string reason, string? whatWasTried, SupportGroup? hqGroup = null) =>
        Perform(TicketAction.Escalate, by, now,
            () => hqGroup is null || EscalationTarget.Takes(hqGroup) ? null : TicketError.Invalid(EscalationTarget.Refusal(hqGroup)),
            () => (EscalatedAt, HqGroup) = (now, hqGroup?.Id),
            Details(("reason", reason), ("whatWasTried", whatWasTried), ("hqGroup", hqGroup?.Id)));

    public TicketError? ReturnFromHq(Actor by, DateTimeOffset now, string guidance) =>
        Perform(TicketAction.HqReturn, by, now, null, null, Details(("guidance", guidance)));

    /// <summary>Resolves the ticket; a change also records when it was implemented (after its approval) and its test result.</summary>
    public TicketError? Resolve(Actor by, DateTimeOffset now, ResolutionCode code, string resolution, DateTimeOffset confirmationDue,
        Implementation implementation)
    {
        var implementedAt = Category.NeedsApproval() ? implementation.ImplementedAt ?? now : (DateTimeOffset?)null;
        return Perform(TicketAction.Resolve, by, now, () => ImplementationError(implementation, now), () =>
        {
            // A new confirmation window: its evaluation may become overdue (and be notified) again.
            (ResolutionCode, Resolution, ResolvedAt, ConfirmationDue, EvaluationOverdueNotifiedAt) = (code, resolution, now, confirmationDue, null);
            (ImplementedAt, TestResult) = (implementedAt, implementation.TestResult);
        }, Details(("code", code), ("resolution", resolution), ("confirmationDue", confirmationDue),
                   ("implementedAt", implementedAt), ("testResult", implementation.TestResult)));
    }

    /// <summary>
    /// The requester confirms the resolution, or (a change) the owning department evaluates it: effective closes it, not
    /// effective sends it back to work, to be approved again. Which it is, the transition table says.
    /// </summary>
    public TicketError? ConfirmResolution(Actor by, DateTimeOffset now, Confirmation confirmation)
    {
        // Who may confirm, and whether the ticket is ready, come before what the body lacks (403/409 before 400).
        if (confirmation.ShapeError(Category) is { } bad)
            return TicketWorkflow.Decide(this, TicketAction.Confirm, by, now, confirmation).Error is { Kind: not TicketErrorKind.InvalidField } refused
                ? refused : bad;
        var evaluated = confirmation.Effective is not null;
        return Perform(TicketAction.Confirm, by, now, null, () =>
        {
            Satisfaction = confirmation.Satisfaction ?? Satisfaction;
            if (evaluated) (Effective, EvaluatedBy, EvaluatedAt) = (confirmation.Effective, by.UserId, now);
        }, Details(("effective", confirmation.Effective), ("satisfaction", confirmation.Satisfaction), ("comment", confirmation.Comment),
            ("approvalCleared", confirmation.Effective == false && ApprovalStatus is not null ? true : null)), confirmation: confirmation);
    }

    public TicketError? Reopen(Actor by, DateTimeOffset now, string reason) =>
        Perform(TicketAction.Reopen, by, now, null, null,
            Details(("reason", reason), ("approvalCleared", Category.NeedsApproval() && ApprovalStatus is not null ? true : null)));

    public TicketError? AutoClose(DateTimeOffset now) =>
        Perform(TicketAction.AutoClose, Actor.System, now, null, null, Details(("confirmationDue", ConfirmationDue)));

    /// <summary>The history entry (and event) when a resolved change's evaluation is overdue.</summary>
    public const string EvaluationOverdueEvent = "evaluation.overdue";

    /// <summary>
    /// A resolved change whose confirmation window has passed without its department's evaluation is overdue: recorded
    /// once per resolution (false when it is not overdue or was already recorded). It does not change the ticket's version.
    /// </summary>
    public bool NoteEvaluationOverdue(DateTimeOffset now)
    {
        var context = new GuardContext(this, Actor.System, now);
        if (Status != TicketStatus.Resolved || EvaluationOverdueNotifiedAt is not null
            || !TicketWorkflow.IsChange.Holds(context) || !TicketWorkflow.ConfirmationWindowPassed.Holds(context)) return false;
        EvaluationOverdueNotifiedAt = now;
        RecordEvent(Actor.System.UserId, EvaluationOverdueEvent, now,
            Details(("confirmationDue", ConfirmationDue), ("owningDepartment", OwningDepartment)));
        return true;
    }

    public TicketError? Cancel(Actor by, DateTimeOffset now, string reason) =>
        Perform(TicketAction.Cancel, by, now, null, null, Details(("reason", reason)));

    public TicketError? Reassign(Actor by, DateTimeOffset now, SupportGroup group, Assignee? assignee, string reason) =>
        Perform(TicketAction.Reassign, by, now, () => AssignmentError(group, assignee), () => (GroupId, AssigneeId) = (group.Id, assignee?.UserId),
            Details(("fromGroup", GroupId), ("group", group.Id), ("fromAssignee", AssigneeId), ("assignee", assignee?.UserId), ("reason", reason)));

    /// <summary>
    /// Corrects what the ticket says. Who may correct which fields, and when, is the <see cref="TicketAction.Edit"/> rows of
    /// <see cref="TicketWorkflow"/>. A new impact, urgency or category derives the priority again (the store then re-targets the
    /// clocks as triage does); a change moved to another system or category loses its approval, as another department may own it.
    /// The history records each changed field's old and new value.
    /// </summary>
    public TicketError? Edit(Actor by, DateTimeOffset now, TicketEdit edit, PriorityMatrix matrix)
    {
        var (category, impact, urgency) = (edit.Category ?? Category, edit.Impact ?? Impact, edit.Urgency ?? Urgency);
        var priority = matrix.PriorityOf(impact, urgency);
        var changes = new Dictionary<string, object?>();
        Note("title", Title, edit.Title);
        Note("description", Description, edit.Description);
        Note("system", SystemId, edit.System?.Id);
        Note("category", Category, edit.Category);
        Note("impact", Impact, edit.Impact);
        Note("urgency", Urgency, edit.Urgency);
        Note("priority", Priority, priority);
        var reclassified = changes.ContainsKey("system") || changes.ContainsKey("category");
        var clearsApproval = reclassified && Category.NeedsApproval() && ApprovalStatus is not null;
        var error = Perform(TicketAction.Edit, by, now, () => EditError(edit, reclassified, by, now), () =>
        {
            (Title, Description, SystemId) = (edit.Title ?? Title, edit.Description ?? Description, edit.System?.Id ?? SystemId);
            (Category, Impact, Urgency, Priority) = (category, impact, urgency, priority);
            if (clearsApproval) ClearApproval();
        }, Details(("changes", changes), ("approvalCleared", clearsApproval ? true : null)), edit: edit);
        // The requester's row refuses an edit of the classification: name the fields that are not theirs to change.
        return error is { Kind: TicketErrorKind.InvalidField } && edit.ClassificationFields.Count > 0
            ? TicketError.InvalidFields(edit.ClassificationFields,
                $"Only line 1 corrects the classification; you may change the title and the description. Not yours to change: {string.Join(", ", edit.ClassificationFields)}.")
            : error;

        void Note(string field, object old, object? value)
        {
            var (before, after) = (old is Enum e ? e.ToString() : old, value is Enum v ? v.ToString() : value);
            if (after is not null && !Equals(before, after)) changes[field] = new Dictionary<string, object?> { ["old"] = before, ["new"] = after };
        }
    }

    private TicketError? EditError(TicketEdit edit, bool reclassified, Actor by, DateTimeOffset now)
    {
        if (edit.System is { } system && !UnitPaths.IsWithin(UnitPath, system.UnitPath))
            return TicketError.Invalid($"System '{system.Id}' is not used by unit '{UnitId}': it belongs to unit '{system.UnitId}'.");
        // The approver would be asked about one system and approve another: decide the approval first.
        if (reclassified && Status == TicketStatus.PendingApproval)
            return TicketError.Conflict("The change awaits its department's approval: its system and category stay until it is approved or rejected.",
                TicketWorkflow.AllowedActions(this, by, now));
        return null;
    }

    /// <summary>Line 1 finds this ticket repeats <paramref name="original"/>: it is cancelled with the outcome Duplicate.</summary>
    public TicketError? MarkDuplicateOf(Actor by, DateTimeOffset now, Ticket original) =>
        Perform(TicketAction.MarkDuplicate, by, now, null, null, Details(("original", original.Id), ("originalNumber", original.Number)));

    /// <summary>
    /// A child of a major incident resolved with its parent, by the service itself (which children may be is the table's
    /// <see cref="TicketAction.Resolve"/> row for <see cref="Role.System"/>); its requester still confirms it.
    /// </summary>
    public TicketError? ResolveWithParent(MajorIncident parent, string resolvedBy, DateTimeOffset now, DateTimeOffset confirmationDue) =>
        Perform(TicketAction.Resolve, Actor.System, now, null, () =>
            (ResolutionCode, Resolution, ResolvedAt, ConfirmationDue, EvaluationOverdueNotifiedAt) = (parent.Code, parent.Resolution, now, confirmationDue, null),
            Details(("code", parent.Code), ("resolution", parent.Resolution), ("confirmationDue", confirmationDue),
                ("parent", parent.Id), ("note", $"Resolved with its major incident {parent.Number}"), ("resolvedBy", resolvedBy)));

    /// <summary>Records a comment in the history; internal work notes are for operations and maintenance staff only.</summary>
    public TicketError? Comment(Actor by, DateTimeOffset now, CommentVisibility visibility, string body)
    {
        if (visibility == CommentVisibility.Internal && !by.SeesInternalNotes)
            return TicketError.Forbidden("Requesters and approvers may only write public comments; internal work notes are for support staff.");
        return Perform(TicketAction.Comment, by, now, null, null,
            Details(("visibility", visibility), ("body", body)), visibility == CommentVisibility.Internal);
    }

    /// <summary>
    /// A resolved ticket that goes back to work (reopened, or a change evaluated not effective) is no longer resolved; a
    /// change must be approved again before it is resolved again.
    /// </summary>
    private void BackToWork()
    {
        (ResolutionCode, Resolution, ResolvedAt, ConfirmationDue) = (null, null, null, null);
        (ImplementedAt, TestResult) = (null, null);
        if (Category.NeedsApproval()) ClearApproval();
    }

    /// <summary>The history entry of a ticket raised: what it is about, and what else the way it was raised records.</summary>
    private void Requested(string actorId, DateTimeOffset now, params (string Key, object? Value)[] more) =>
        _changes.Add(new HistoryEntry(now, actorId, TicketAction.Request.Name(), null, TicketStatus.New, Details(
            [("system", SystemId), ("category", Category), ("impact", Impact), ("urgency", Urgency), ("priority", Priority), ("title", Title), ..more])));

    /// <summary>A plan is started with what is to change: without it, the plan is refused naming that part.</summary>
    private static TicketError? NoWhat(ChangePlan parts) =>
        parts.What is null ? TicketError.InvalidField("plan.what", "A plan starts with what changes.") : null;

    /// <summary>
    /// A change is implemented after its approval, not in the future, and resolved with the test made after it; anything
    /// else is resolved without either.
    /// </summary>
    private TicketError? ImplementationError(Implementation implementation, DateTimeOffset now)
    {
        if (!Category.NeedsApproval())
            return implementation.TestResult is not null
                ? TicketError.InvalidField("testResult", $"A test result is recorded for changes only; {Category} is not one.")
                : implementation.ImplementedAt is not null
                    ? TicketError.InvalidField("implementedAt", $"An implementation time is recorded for changes only; {Category} is not one.")
                    : null;
        if (implementation.TestResult is null)
            return TicketError.TestResultMissing("A change is resolved with the test made after it: what was tested and the outcome.");
        var implementedAt = implementation.ImplementedAt ?? now;
        if (implementedAt > now)
            return TicketError.ImplementedBeforeApproval($"implementedAt {implementedAt:O} is in the future (now is {now:O}).");
        if (ApprovedAt is { } approvedAt && implementedAt < approvedAt)
            return TicketError.ImplementedBeforeApproval(
                $"implementedAt {implementedAt:O} is before the approval at {approvedAt:O}: a change is implemented only once approved.");
        return null;
    }

    /// <summary>Writes the parts given (the others kept) as the plan's new version, by <paramref name="by"/>.</summary>
    private void WritePlanParts(Actor by, DateTimeOffset now, ChangePlan parts)
    {
        var plan = Plan.RevisedBy(parts);
        (PlanWhat, PlanTransport, PlanBackup, PlanTest, PlanRollback) = (plan.What, plan.Transport, plan.Backup, plan.Test, plan.Rollback);
        (PlanWrittenBy, PlanWrittenAt) = (by.UserId, now);
    }

    /// <summary>A plan written outside a transition of its own (with the request): its own history entry.</summary>
    private void WritePlan(Actor by, DateTimeOffset now, ChangePlan parts, TicketAction action, TicketStatus status)
    {
        WritePlanParts(by, now, parts);
        _changes.Add(new HistoryEntry(now, by.UserId, action.Name(), status, status, Details(("plan", parts.Written()))));
    }

    /// <summary>A change that goes back to work (reopened, or evaluated not effective) must be approved again.</summary>
    private void ClearApproval() => (ApprovalStatus, ApprovalRequestedBy, ApprovedBy, ApprovedAt) = (null, null, null, null);

    private TicketError? AssignmentError(SupportGroup group, Assignee? assignee)
    {
        var servesTicket = UnitPaths.IsWithin(UnitPath, group.UnitPath)
                           && (!UnitPaths.IsRoot(group.UnitPath) || UnitPaths.IsRoot(UnitPath));
        if (!servesTicket)
            return TicketError.Invalid($"Group '{group.Id}' does not serve unit '{UnitId}'" +
                                       (UnitPaths.IsRoot(group.UnitPath) ? " (headquarters is reached by escalation)." : "."));
        if (assignee is not null && !assignee.GroupIds.Contains(group.Id))
            return TicketError.Invalid($"User '{assignee.UserId}' is not a member of group '{group.Id}'.");
        return null;
    }

    private TicketError? Perform(TicketAction action, Actor by, DateTimeOffset now, Func<TicketError?>? validate, Action? apply,
        IReadOnlyDictionary<string, object?> details, bool @internal = false, Confirmation? confirmation = null, TicketEdit? edit = null)
    {
        var (transition, error) = TicketWorkflow.Decide(this, action, by, now, confirmation, edit);
        if (error is not null) return error;
        if (validate?.Invoke() is { } invalid) return invalid;

        var from = Status;
        apply?.Invoke();
        if (transition!.To is { } to)
        {
            Status = to;
            Outcome = transition.Outcome;
            if (to is TicketStatus.Closed or TicketStatus.Cancelled) ClosedAt = now;
            if (from == TicketStatus.Resolved && to == TicketStatus.InProgress) BackToWork();
        }
        UpdatedAt = now;
        _changes.Add(new HistoryEntry(now, by.UserId, action.Name(), from, Status, details, @internal));
        return null;
    }

    private static Dictionary<string, object?> Details(params (string Key, object? Value)[] pairs) =>
        pairs.Where(p => p.Value is not null)
             .ToDictionary(p => p.Key, p => p.Value is Enum e ? e.ToString() : p.Value);
}
