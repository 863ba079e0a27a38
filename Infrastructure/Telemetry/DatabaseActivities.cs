using System.Diagnostics;

namespace Itsm.Infrastructure.Telemetry;

/// <summary>
/// Traces of the database's units of work: one activity per unit (a read, or a write up to its commit) on the source
/// <c>Itsm.Database</c>, tagged with the provider, the kind and how many times it was retried; its duration is the span's.
/// Without a listener (no exporter configured) no activity is created.
/// </summary>
public static class DatabaseActivities
{
    public const string SourceName = "Itsm.Database";
    public const string ProviderTag = "itsm.db.provider";
    public const string KindTag = "itsm.db.kind";
    public const string RetriesTag = "itsm.db.retries";
    public const string Read = "read";
    public const string Write = "write";

    internal static readonly ActivitySource Source = new(SourceName);
}
