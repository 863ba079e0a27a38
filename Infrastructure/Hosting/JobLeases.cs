using Dapper;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Options;

namespace Itsm.Infrastructure.Hosting;

/// <summary>Configuration section <c>Leases</c>: how long a background job's lease lasts and how often its holder renews it.</summary>
public sealed class LeaseOptions
{
    /// <summary>After a crash (no release) another instance takes the job over once this has passed.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A holder renews at most this often; well below <see cref="Duration"/> so a busy pass never loses its lease.</summary>
    public TimeSpan RenewEvery { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Who holds a job's lease and until when.</summary>
public sealed record LeaseView(string Job, string? Holder, DateTimeOffset ExpiresAt);

/// <summary>
/// The leases that let one instance at a time run a background job (SLA scheduler, outbox, retention purge). Leases are
/// short and renewed while the job runs, and released when the host stops, so a restarted instance resumes at once.
/// </summary>
public sealed class JobLeases(Database database, TimeProvider clock, IOptions<LeaseOptions> options)
{
    public const string Sla = "sla";
    public const string Outbox = "outbox";
    public const string Retention = "retention";
    public const string Inspections = "inspections";
    public const string Email = "email";

    public LeaseOptions Options => options.Value;

    /// <summary>A lease on <paramref name="job"/> under a holder id of its own (each runner is a separate holder).</summary>
    public JobLease For(string job) => new(job, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", this);

    public Task<bool> TakeAsync(string job, string holder, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return database.WriteAsync(async (connection, transaction, token) => await connection.ExecuteAsync(new CommandDefinition(
            LeaseSql.Take, new { name = job, holder, now, expires = now + Options.Duration }, transaction, cancellationToken: token)) == 1, ct);
    }

    public Task ReleaseAsync(string job, string holder, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(
            LeaseSql.Release, new { name = job, holder, now = clock.GetUtcNow() }, transaction, cancellationToken: token)), ct);

    public Task<IReadOnlyList<LeaseView>> AllAsync(CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<LeaseView>>(async (connection, token) =>
            (await connection.QueryAsync<(string Name, string Holder, DateTimeOffset ExpiresAt)>(new CommandDefinition(LeaseSql.All, cancellationToken: token)))
            .Select(l => new LeaseView(l.Name, l.Holder.Length == 0 ? null : l.Holder, l.ExpiresAt)).ToList(), ct);

    public DateTimeOffset Now => clock.GetUtcNow();
}

/// <summary>One runner's lease on one job: taken or renewed by <see cref="HoldAsync"/>, let go by <see cref="ReleaseAsync"/>.</summary>
public sealed class JobLease(string job, string holder, JobLeases leases)
{
    // UTC ticks of the last renewal, 0 for none: one word read and written atomically, since the webhook and HQ loops
    // hold the same lease concurrently.
    private long _renewedAt;

    public string Job => job;

    public string Holder => holder;

    /// <summary>True while this runner holds the lease; renews it when <see cref="LeaseOptions.RenewEvery"/> has passed.</summary>
    public async Task<bool> HoldAsync(CancellationToken ct)
    {
        var now = leases.Now;
        var renewed = Volatile.Read(ref _renewedAt);
        if (renewed != 0 && now.UtcTicks >= renewed && now.UtcTicks - renewed < leases.Options.RenewEvery.Ticks) return true;
        if (!await leases.TakeAsync(job, holder, ct))
        {
            Volatile.Write(ref _renewedAt, 0);
            return false;
        }
        Volatile.Write(ref _renewedAt, now.UtcTicks);
        return true;
    }

    /// <summary>Lets the lease go (when the host stops), so another instance need not wait for it to expire.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        Volatile.Write(ref _renewedAt, 0);
        await leases.ReleaseAsync(job, holder, ct);
    }
}
