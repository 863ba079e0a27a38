namespace Itsm.Infrastructure.Hosting;

/// <summary>Every statement of the background jobs' leases (the same text for both dialects).</summary>
public static class LeaseSql
{
    /// <summary>Takes a free, released or expired lease, or renews the caller's own.</summary>
    public const string Take = """
        UPDATE SchedulerLeases SET Holder = @holder, ExpiresAt = @expires
        WHERE Name = @name AND (Holder = @holder OR Holder = '' OR ExpiresAt < @now)
        """;

    /// <summary>Frees the caller's lease so that another instance takes it at once; the expiry records when it was let go.</summary>
    public const string Release = "UPDATE SchedulerLeases SET Holder = '', ExpiresAt = @now WHERE Name = @name AND Holder = @holder";

    public const string All = "SELECT Name, Holder, ExpiresAt FROM SchedulerLeases ORDER BY Name";

    public static IEnumerable<string> Statements() => [Take, Release, All];
}
