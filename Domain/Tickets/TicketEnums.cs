namespace Itsm.Domain.Tickets;

public enum TicketStatus
{
    New,
    Triaged,
    InProgress,
    OnHold,
    PendingApproval,
    EscalatedToHq,
    Resolved,
    Closed,
    Cancelled,
}

/// <summary>Why a closed ticket closed.</summary>
public enum ClosureOutcome
{
    Resolved,
    Rejected,
    AutoClosed,
    /// <summary>Cancelled as a repeat of another ticket, whose requester now watches the original.</summary>
    Duplicate,
}

/// <summary>Work types (docs/domain.md (Work types)).</summary>
public enum Category
{
    UserGuidance,
    /// <summary>Master and base data maintenance for business departments (Art. 13(3)).</summary>
    MasterData,
    /// <summary>Back-office batch transactions and data exports (Art. 13(4)): run only when approved.</summary>
    BackOfficeOperation,
    ConfigurationChange,
    AccountPermission,
    DataChange,
    ApplicationProblem,
    InspectionFinding,
    DataQualityIssue,
}

public enum Impact
{
    Enterprise,
    Unit,
    Individual,
}

public enum Urgency
{
    High,
    Medium,
    Low,
}

public enum Priority
{
    P1,
    P2,
    P3,
    P4,
}

/// <summary>How a ticket was resolved.</summary>
public enum ResolutionCode
{
    Fixed,
    Workaround,
    GuidanceGiven,
    ChangeImplemented,
    NoFaultFound,
    Duplicate,
}

/// <summary>The worst of a ticket's service-level clocks.</summary>
public enum SlaState
{
    Ok,
    Warning,
    Breached,
}

public enum CommentVisibility
{
    Public,
    Internal,
}

public enum ApprovalStatus
{
    Pending,
    Approved,
    Rejected,
}

public static class CategoryRules
{
    /// <summary>
    /// The changes: what the owning business department must approve before it is implemented and evaluates after
    /// (Art. 9(3)(5), 13(4), 14; docs/domain.md (Work types)). The one place this set is defined.
    /// </summary>
    public static IReadOnlyList<Category> Changes { get; } =
        [Category.BackOfficeOperation, Category.ConfigurationChange, Category.AccountPermission, Category.DataChange];

    public static bool NeedsApproval(this Category category) => Changes.Contains(category);
}
