using Dapper;
using Itsm.Domain.Escalations;
using Itsm.Infrastructure.Hosting;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Outbox;

public sealed record OutboxMetrics(long UndispatchedEvents, long PendingDeliveries, double? OldestPendingSeconds, long FailedDeliveries);

/// <summary>One subscription's backlog: a slow or failing receiver shows here first.</summary>
public sealed record SubscriptionBacklog(string Id, string Unit, bool Enabled, long PendingDeliveries, double? OldestPendingSeconds);

public sealed record DeliveryHealthReport(OutboxMetrics Outbox, long HqQueued, long HqFailed, IReadOnlyList<SubscriptionBacklog> Subscriptions,
    IReadOnlyList<LeaseView> Leases);

/// <summary>
/// The outbox's health as one caller may see it: events, deliveries and escalations of the tickets in a unit subtree,
/// and the subscriptions of its units (HQ's root path covers everything); plus who holds each background job's lease.
/// </summary>
public sealed class DeliveryHealth(Database database, JobLeases leases)
{
    public async Task<DeliveryHealthReport> ForScopeAsync(string unitPath, DateTimeOffset now, CancellationToken ct)
    {
        var (from, to) = Scope.Range(unitPath);
        var scope = new { From = from, To = to };
        var report = await database.ReadAsync(async (connection, token) =>
        {
            async Task<long> Count(string sql, object args) => await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, args, cancellationToken: token));
            var undispatched = await Count(OutboxSql.UndispatchedCount, scope);
            var pending = await Count(OutboxSql.PendingCount, scope);
            var oldest = await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(OutboxSql.OldestPending, scope, cancellationToken: token));
            var failed = await Count(OutboxSql.FailureCount, scope);
            var queued = await Count(OutboxSql.EscalationCount, new { From = from, To = to, State = nameof(EscalationState.Queued) });
            var hqFailed = await Count(OutboxSql.EscalationCount, new { From = from, To = to, State = nameof(EscalationState.Failed) });
            var subscriptions = (await connection.QueryAsync<BacklogRow>(new CommandDefinition(OutboxSql.SubscriptionBacklogs, scope, cancellationToken: token)))
                .Select(s => new SubscriptionBacklog(s.Id, s.UnitId, s.Enabled, s.PendingDeliveries, Age(s.OldestPendingAt))).ToList();
            return new DeliveryHealthReport(new OutboxMetrics(undispatched, pending, Age(oldest), failed), queued, hqFailed, subscriptions, []);
        }, ct);
        return report with { Leases = await leases.AllAsync(ct) };

        double? Age(DateTimeOffset? at) => at is { } a ? (now - a).TotalSeconds : null;
    }

    /// <summary>The whole service's pending deliveries and when the oldest was made (aggregates over pending deliveries only), for the gauges.</summary>
    public Task<(long Pending, DateTimeOffset? OldestPendingAt)> BacklogAsync(CancellationToken ct)
    {
        var (from, to) = Scope.Range("/");
        return database.ReadAsync(async (connection, token) =>
        (
            await connection.ExecuteScalarAsync<long>(new CommandDefinition(OutboxSql.PendingCount, new { From = from, To = to }, cancellationToken: token)),
            await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(OutboxSql.OldestPending, new { From = from, To = to }, cancellationToken: token))
        ), ct);
    }

    private sealed class BacklogRow
    {
        public string Id { get; init; } = "";
        public string UnitId { get; init; } = "";
        public bool Enabled { get; init; }
        public long PendingDeliveries { get; init; }
        public DateTimeOffset? OldestPendingAt { get; init; }
    }
}
