namespace Itsm.Domain.Tickets;

/// <summary>
/// The plan of a change (Art. 9(5), 14): what changes, how it is transported to production, the backup, the test and the
/// rollback. Written in parts: the business department may start it (with the request, or its approver later), the engineer
/// completes and may revise it when asking for approval. A part not (yet) written is null.
/// </summary>
public sealed record ChangePlan(string? What, string? Transport = null, string? Backup = null, string? Test = null, string? Rollback = null)
{
    /// <summary>The parts' names, as the API spells them, in the order a plan is read.</summary>
    public static IReadOnlyList<string> PartNames { get; } = ["what", "transport", "backup", "test", "rollback"];

    /// <summary>Each part with its name, in <see cref="PartNames"/> order.</summary>
    public IEnumerable<(string Name, string? Text)> Parts()
    {
        yield return ("what", What);
        yield return ("transport", Transport);
        yield return ("backup", Backup);
        yield return ("test", Test);
        yield return ("rollback", Rollback);
    }

    /// <summary>This plan with the parts <paramref name="revision"/> writes replaced (the others kept).</summary>
    public ChangePlan RevisedBy(ChangePlan? revision) => revision is null ? this : new(
        revision.What ?? What, revision.Transport ?? Transport, revision.Backup ?? Backup, revision.Test ?? Test, revision.Rollback ?? Rollback);

    /// <summary>The parts not written yet (none: the plan is complete).</summary>
    public IReadOnlyList<string> MissingParts() => Parts().Where(p => p.Text is null).Select(p => p.Name).ToList();

    /// <summary>The parts written, by name: what the history keeps of one write.</summary>
    public IReadOnlyDictionary<string, object?> Written() =>
        Parts().Where(p => p.Text is not null).ToDictionary(p => p.Name, p => (object?)p.Text);

    public bool IsEmpty => Parts().All(p => p.Text is null);
}

/// <summary>The plan as it stands, and who wrote its latest version, when.</summary>
public sealed record WrittenPlan(ChangePlan Plan, string WrittenBy, DateTimeOffset WrittenAt);

/// <summary>How risky O&amp;M judges a change (Art. 14(1), 评估配置变更方案).</summary>
public enum ChangeRisk
{
    Low,
    Medium,
    High,
}

/// <summary>O&amp;M's assessment of a change plan, recorded when the engineer asks for the approval.</summary>
public sealed record ChangeAssessment(ChangeRisk Risk, string Impact);

/// <summary>O&amp;M's assessment with who made it, when.</summary>
public sealed record RecordedAssessment(ChangeRisk Risk, string Impact, string AssessedBy, DateTimeOffset AssessedAt);

/// <summary>
/// What resolving a change records besides the resolution: when it was implemented (after the approval, not in the future;
/// now when not given) and the test made after it, with its outcome.
/// </summary>
public sealed record Implementation(DateTimeOffset? ImplementedAt, string? TestResult)
{
    public static Implementation None { get; } = new(null, null);
}
