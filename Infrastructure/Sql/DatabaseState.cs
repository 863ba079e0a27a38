namespace Itsm.Infrastructure.Sql;

/// <summary>Whether the database has been reached and migrated since start-up; until then the API answers 503.</summary>
public sealed class DatabaseState
{
    private volatile string? _notReadyReason = "The database has not been prepared yet.";

    public bool IsPrepared => _notReadyReason is null;

    public string? NotReadyReason => _notReadyReason;

    public void Prepared() => _notReadyReason = null;

    public void NotPrepared(string reason) => _notReadyReason = reason;
}
