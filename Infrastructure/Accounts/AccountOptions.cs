using Itsm.Domain.Accounts;

namespace Itsm.Infrastructure.Accounts;

/// <summary>The <c>Accounts</c> section.</summary>
public sealed class AccountOptions
{
    /// <summary>An Active account idle this many days (last used, or created when never used) is dormant.</summary>
    public int DormantAfterDays { get; set; } = Account.DefaultDormantAfterDays;

    /// <summary><c>Quarter</c>: the scheduler opens a review per system and owner unit each quarter; unset: reviews are opened by IT managers.</summary>
    public string? ReviewEvery { get; set; }

    /// <summary>How long a scheduled review runs before it is overdue.</summary>
    public int ReviewDays { get; set; } = 30;

    public bool SchedulerEnabled { get; set; } = true;

    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromMinutes(5);
}
