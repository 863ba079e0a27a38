using Itsm.Domain.Tickets;

namespace Itsm.Domain.Sla;

/// <summary>
/// Targets for one priority, optionally only for a category and/or a unit's subtree. Minutes are business minutes
/// on <see cref="Calendar"/>.
/// </summary>
public sealed record SlaRule(
    Priority Priority, int ResponseMinutes, int ResolutionMinutes, string Calendar,
    Category? Category = null, string? Unit = null, int? HqMinutes = null, bool AutoEscalateOnResolutionBreach = false);

/// <summary>
/// The service levels in force: rules per priority with overrides, which statuses pause the resolution clock, when to
/// warn, and the confirmation window before a resolved ticket closes itself. Versioned: a ticket keeps the version it
/// started under.
/// </summary>
public sealed record SlaPolicy(
    int Version, IReadOnlyList<SlaRule> Rules, IReadOnlyList<TicketStatus> PauseIn, int WarnAtPercent,
    int ConfirmationWindowDays, string ConfirmationCalendar)
{
    public const int MaxTargetMinutes = 366 * 24 * 60;

    public static SlaPolicy Default { get; } = new(1,
    [
        new SlaRule(Priority.P1, 30, 240, "24x7", HqMinutes: 240, AutoEscalateOnResolutionBreach: true),
        new SlaRule(Priority.P2, 60, 450, "CN-BUSINESS", HqMinutes: 450),
        new SlaRule(Priority.P3, 240, 3 * 450, "CN-BUSINESS", HqMinutes: 3 * 450),
        new SlaRule(Priority.P4, 450, 5 * 450, "CN-BUSINESS", HqMinutes: 5 * 450),
    ], [TicketStatus.OnHold, TicketStatus.PendingApproval], 75, 5, "CN-BUSINESS");

    /// <summary>The most specific rule for the ticket: category and unit, then category, then unit (nearest first), then priority alone.</summary>
    public SlaRule RuleFor(Priority priority, Category category, string unitPath) =>
        Rules.Where(r => r.Priority == priority && (r.Category is null || r.Category == category) && (r.Unit is null || unitPath.Contains($"/{r.Unit}/", StringComparison.Ordinal)))
             .OrderByDescending(r => (r.Category is null ? 0 : 2) + (r.Unit is null ? 0 : 1))
             .ThenByDescending(r => r.Unit is null ? 0 : unitPath.IndexOf($"/{r.Unit}/", StringComparison.Ordinal))
             .FirstOrDefault()
           ?? throw new InvalidOperationException($"The SLA policy has no rule for {priority}.");

    /// <summary>Field → problems; calendars must exist.</summary>
    public IReadOnlyDictionary<string, string[]> Validate(ISet<string> calendars)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < Rules.Count; i++)
        {
            var r = Rules[i];
            Check(r.ResponseMinutes is > 0 and <= MaxTargetMinutes, $"rules[{i}].responseMinutes", $"must be between 1 and {MaxTargetMinutes}.");
            Check(r.ResolutionMinutes is > 0 and <= MaxTargetMinutes, $"rules[{i}].resolutionMinutes", $"must be between 1 and {MaxTargetMinutes}.");
            Check(r.HqMinutes is null or > 0 and <= MaxTargetMinutes, $"rules[{i}].hqMinutes", $"must be between 1 and {MaxTargetMinutes}.");
            Check(calendars.Contains(r.Calendar), $"rules[{i}].calendar", $"'{r.Calendar}' is not a calendar.");
            Check(Enum.IsDefined(r.Priority), $"rules[{i}].priority", "is not a priority.");
        }
        foreach (var duplicate in Rules.GroupBy(r => (r.Priority, r.Category, r.Unit)).Where(g => g.Count() > 1))
            errors["rules"] = [$"more than one rule for {duplicate.Key.Priority}{(duplicate.Key.Category is { } c ? "/" + c : "")}{(duplicate.Key.Unit is { } u ? "/" + u : "")}."];
        foreach (var priority in Enum.GetValues<Priority>().Where(p => !Rules.Any(r => r.Priority == p && r.Category is null && r.Unit is null)))
            errors[$"rules.{priority}"] = [$"a rule for {priority} without category or unit is required."];
        Check(WarnAtPercent is > 0 and < 100, "warnAtPercent", "must be between 1 and 99.");
        Check(ConfirmationWindowDays is >= 1 and <= 60, "confirmationWindowDays", "must be between 1 and 60.");
        Check(calendars.Contains(ConfirmationCalendar), "confirmationCalendar", $"'{ConfirmationCalendar}' is not a calendar.");
        Check(PauseIn.All(s => s is TicketStatus.OnHold or TicketStatus.PendingApproval or TicketStatus.EscalatedToHq),
            "pauseIn", "only OnHold, PendingApproval and EscalatedToHq can pause the resolution clock.");
        return errors;

        void Check(bool ok, string field, string message)
        {
            if (!ok) errors[field] = [message];
        }
    }
}
