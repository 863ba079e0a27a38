using Dapper;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Webhooks;

public sealed class WebhookSubscription
{
    public string Id { get; init; } = "";
    public string UnitId { get; init; } = "";
    public string UnitPath { get; init; } = "";
    public string Url { get; init; } = "";
    public string EventTypes { get; init; } = "*";
    public string Secret { get; init; } = "";
    public string? PreviousSecret { get; init; }
    public DateTimeOffset? PreviousSecretUntil { get; init; }
    public bool Enabled { get; init; }
    public string? DisabledReason { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<string> Types => EventTypes == "*" ? ["*"] : EventTypes.Split(',');
}

public sealed class WebhookDelivery
{
    public long Id { get; init; }
    public string EventId { get; init; } = "";
    public string Type { get; init; } = "";
    public WebhookDeliveryState State { get; init; }
    public int Attempts { get; init; }
    public int? LastStatus { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
}

/// <summary>Webhook subscriptions and their deliveries.</summary>
public sealed class WebhookStore(Database database)
{
    private readonly OutboxSql _sql = new(database.Dialect);

    /// <summary>A new subscription and its secret; null when the unit already has <paramref name="maxPerUnit"/> subscriptions.</summary>
    public async Task<(WebhookSubscription Subscription, string Secret)?> CreateAsync(string unitId, string unitPath, string url,
        IReadOnlyList<string> types, string by, DateTimeOffset now, int maxPerUnit, CancellationToken ct)
    {
        var secret = WebhookSigner.NewSecret();
        var id = "wh_" + Guid.NewGuid().ToString("N")[..16];
        var added = await database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(OutboxSql.InsertSubscription, new
        {
            Id = id, UnitId = unitId, UnitPath = unitPath, Url = url, EventTypes = Types(types), Secret = secret, CreatedBy = by, CreatedAt = now,
            Max = maxPerUnit,
        }, transaction, cancellationToken: token)), ct);
        return added == 1 ? ((await FindAsync(id, ct))!, secret) : null;
    }

    public Task<WebhookSubscription?> FindAsync(string id, CancellationToken ct) =>
        database.ReadAsync((connection, token) => connection.QuerySingleOrDefaultAsync<WebhookSubscription>(
            new CommandDefinition(OutboxSql.Subscription, new { Id = id }, cancellationToken: token)), ct);

    public Task<IReadOnlyList<WebhookSubscription>> InScopeAsync(string unitPath, CancellationToken ct)
    {
        var (from, to) = Scope.Range(unitPath);
        return database.ReadAsync<IReadOnlyList<WebhookSubscription>>(async (connection, token) => (await connection.QueryAsync<WebhookSubscription>(
            new CommandDefinition(OutboxSql.SubscriptionsInRange, new { From = from, To = to }, cancellationToken: token))).ToList(), ct);
    }

    /// <summary>False when the subscription no longer exists (deleted meanwhile).</summary>
    public async Task<bool> UpdateAsync(string id, string url, IReadOnlyList<string> types, bool enabled, CancellationToken ct) =>
        await database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(OutboxSql.UpdateSubscription,
            new { Id = id, Url = url, EventTypes = Types(types), Enabled = enabled }, transaction, cancellationToken: token)), ct) > 0;

    /// <summary>A new secret; the old one keeps signing beside it until <paramref name="oldValidUntil"/>. Null when the
    /// subscription no longer exists (deleted meanwhile).</summary>
    public async Task<string?> RotateSecretAsync(string id, DateTimeOffset oldValidUntil, CancellationToken ct)
    {
        var secret = WebhookSigner.NewSecret();
        var rotated = await database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(OutboxSql.RotateSecret,
            new { Id = id, Secret = secret, Until = oldValidUntil }, transaction, cancellationToken: token)), ct);
        return rotated > 0 ? secret : null;
    }

    public Task DeleteAsync(string id, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(
            new CommandDefinition(OutboxSql.DeleteSubscription, new { Id = id }, transaction, cancellationToken: token)), ct);

    public Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(string subscriptionId, long? before, int limit, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<WebhookDelivery>>(async (connection, token) => (await connection.QueryAsync<WebhookDelivery>(
            new CommandDefinition(_sql.Deliveries(before is not null), new { SubscriptionId = subscriptionId, Before = before, Limit = limit },
                cancellationToken: token))).ToList(), ct);

    /// <summary>Sends one delivery again (whatever its state): it goes back to Pending, due now.</summary>
    public Task<bool> ReplayAsync(string subscriptionId, long deliveryId, DateTimeOffset now, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) => await connection.ExecuteAsync(new CommandDefinition(OutboxSql.Replay,
            new { Id = deliveryId, SubscriptionId = subscriptionId, Now = now }, transaction, cancellationToken: token)) == 1, ct);

    private static string Types(IReadOnlyList<string> types) => types.Count == 0 || types.Contains("*") ? "*" : string.Join(',', types.Distinct());
}
