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
}

/// <summary>Work types (docs/domain.md (Work types)).</summary>
public enum Category
{
    UserGuidance,
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
    /// <summary>Changes the business department must approve before they are implemented (Art. 9, docs/domain.md (Work types)).</summary>
    public static bool NeedsApproval(this Category category) =>
        category is Category.ConfigurationChange or Category.AccountPermission or Category.DataChange;
}
