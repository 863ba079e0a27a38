using System.Net;
using System.Text;
using Dapper;
using Itsm.Domain.Escalations;
using Itsm.Infrastructure.Hq;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Webhooks;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Outbox;

/// <summary>Configuration section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public RetryOptions Retry { get; set; } = new();

    /// <summary>How long a secret replaced by a rotation keeps signing beside the new one.</summary>
    public TimeSpan SecretGracePeriod { get; set; } = TimeSpan.FromHours(24);

    public sealed class RetryOptions
    {
        /// <summary>Delay after the first failed attempt; it doubles per attempt (with jitter) up to <see cref="MaxDelay"/>.</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(10);
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(6);
        /// <summary>After this many attempts a delivery is a dead letter (the defaults span about a day).</summary>
        public int MaxAttempts { get; set; } = 15;
    }
}

/// <summary>Sends one signed webhook request.</summary>
public sealed class WebhookSender(HttpClient http)
{
    public async Task<(int? Status, TimeSpan? RetryAfter, string? Error)> SendAsync(string url, string eventId, string body,
        IEnumerable<string> secrets, DateTimeOffset now, CancellationToken ct)
    {
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", eventId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", string.Join(' ', secrets.Select(s => WebhookSigner.Sign(s, eventId, timestamp, body))));
        try
        {
            using var response = await http.SendAsync(request, ct);
            var retryAfter = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - now : null);
            return ((int)response.StatusCode, retryAfter, response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (null, null, e is TaskCanceledException ? "timed out" : e.Message);
        }
    }
}

public sealed record DispatchPass(bool Leased, int EventsFannedOut, int Delivered, int Failed, int SentToHq = 0);

/// <summary>
/// Delivers what the outbox holds, at least once: fans each event out to the subscriptions that want it (a delivery
/// row each), then sends due deliveries, in order per subscription and ticket. A failure waits with exponential backoff
/// (honouring Retry-After); after the last attempt the delivery is a dead letter; 410 Gone disables the subscription.
/// One instance at a time holds the lease; a stopped process resumes where it was, since all state is in the database.
/// </summary>
public sealed class OutboxDispatcher(Database database, SlaStore leases, WebhookSender sender, HqClient hq, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<OutboxOptions> options, Microsoft.Extensions.Options.IOptions<HqOptions> hqOptions,
    ILogger<OutboxDispatcher> logger)
{
    private const int Batch = 200;
    private const int MaxParallelSends = 32;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);
    private readonly OutboxSql _sql = new(database.Dialect);
    private readonly HqSql _hqSql = new(database.Dialect);
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<DispatchPass> RunPassAsync(CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            if (!await leases.TakeLeaseAsync("outbox", _instance, clock.GetUtcNow(), LeaseDuration, ct)) return new DispatchPass(false, 0, 0, 0);
            // Rounds of fan-out and delivery, so that under a steady stream of events deliveries start at once.
            var (fannedOut, delivered, failed) = (0, 0, 0);
            for (var round = 0; round < 50; round++)
            {
                // A pass can outlast the lease: renew it each round, and stop if another instance has taken over.
                if (round > 0 && !await leases.TakeLeaseAsync("outbox", _instance, clock.GetUtcNow(), LeaseDuration, ct)) break;
                var fanned = await FanOutAsync(ct);
                fannedOut += fanned;
                var due = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<DueDelivery>(
                    new CommandDefinition(_sql.DueDeliveries, new { now = clock.GetUtcNow(), batch = Batch }, cancellationToken: token))).ToList(), ct);
                if (due.Count == 0)
                {
                    if (fanned == 0) break;
                    continue;
                }
                using var slots = new SemaphoreSlim(MaxParallelSends);
                var outcomes = await Task.WhenAll(due.Select(d => SendAsync(d, slots, ct)));
                // What was sent is recorded even when the host is stopping, so it is not sent again.
                await RecordAsync(outcomes, CancellationToken.None);
                foreach (var o in outcomes.Where(o => o.DisableSubscription))
                    logger.LogWarning("Webhook subscription {Subscription} disabled: its receiver answered 410 Gone", o.Delivery.SubscriptionId);
                foreach (var o in outcomes.Where(o => o.State == "DeadLetter"))
                    logger.LogWarning("Webhook delivery {Delivery} is a dead letter: {Error}", o.Delivery.Id, o.Error);
                delivered += outcomes.Count(o => o.State == "Delivered");
                failed += outcomes.Count(o => o.State != "Delivered");
                if (fanned == 0 && outcomes.All(o => o.State != "Delivered")) break;
            }
            var sentToHq = hqOptions.Value.IsConfigured ? await SendEscalationsAsync(ct) : 0;
            return new DispatchPass(true, fannedOut, delivered, failed, sentToHq);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private Task<int> FanOutAsync(CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            var events = (await connection.QueryAsync<(long Id, string EventId, string Type, long TicketId, string UnitPath)>(
                new CommandDefinition(_sql.Undispatched, new { batch = Batch }, transaction, cancellationToken: token))).ToList();
            if (events.Count == 0) return 0;
            var subscriptions = (await connection.QueryAsync<(string Id, string UnitPath, string EventTypes)>(
                new CommandDefinition(OutboxSql.EnabledSubscriptions, null, transaction, cancellationToken: token))).ToList();
            var now = clock.GetUtcNow();
            foreach (var e in events)
            foreach (var s in subscriptions.Where(s => e.UnitPath.StartsWith(s.UnitPath, StringComparison.Ordinal)
                                                      && (s.EventTypes == "*" || s.EventTypes.Split(',').Contains(e.Type))))
                await connection.ExecuteAsync(new CommandDefinition(OutboxSql.InsertDelivery,
                    new { SubscriptionId = s.Id, e.EventId, e.TicketId, Now = now }, transaction, cancellationToken: token));
            if (hqOptions.Value.IsConfigured)
                foreach (var e in events.Where(e => e.Type == TicketEvents.ByAction[Domain.Tickets.TicketAction.Escalate]))
                    await connection.ExecuteAsync(new CommandDefinition(HqSql.Insert, new { e.EventId, e.TicketId, Now = now }, transaction, cancellationToken: token));
            await connection.ExecuteAsync(new CommandDefinition(OutboxSql.MarkDispatched, new { ids = events.Select(e => e.Id).ToArray() }, transaction, cancellationToken: token));
            return events.Count;
        }, ct);

    /// <summary>Sends one delivery and works out what to record; the records of a round are written together.</summary>
    private async Task<DeliveryOutcome> SendAsync(DueDelivery d, SemaphoreSlim slots, CancellationToken ct)
    {
        await slots.WaitAsync(CancellationToken.None);
        try
        {
            var now = clock.GetUtcNow();
            var secrets = d.PreviousSecret is not null && d.PreviousSecretUntil > now ? new[] { d.Secret, d.PreviousSecret } : [d.Secret];
            var (status, retryAfter, error) = await sender.SendAsync(d.Url, d.EventId, d.Payload, secrets, now, ct);
            now = clock.GetUtcNow();
            if (status is >= 200 and < 300) return new DeliveryOutcome(d, "Delivered", status, null, null, false);
            if (status == (int)HttpStatusCode.Gone) return new DeliveryOutcome(d, "Failed", status, "410 Gone: subscription disabled", null, true);
            var retry = options.Value.Retry;
            if (d.Attempts + 1 >= retry.MaxAttempts) return new DeliveryOutcome(d, "DeadLetter", status, error, null, false);
            var delay = Backoff(d.Attempts + 1, retry);
            if (retryAfter is { } asked && asked > delay) delay = asked < retry.MaxDelay ? asked : retry.MaxDelay;
            return new DeliveryOutcome(d, "Pending", status, error, now + delay, false);
        }
        catch (Exception e)
        {
            return new DeliveryOutcome(d, "Pending", null, e.Message, clock.GetUtcNow() + options.Value.Retry.BaseDelay, false);
        }
        finally
        {
            slots.Release();
        }
    }

    private Task RecordAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            var now = clock.GetUtcNow();
            foreach (var o in outcomes)
            {
                if (o.State == "Delivered")
                    await connection.ExecuteAsync(new CommandDefinition(OutboxSql.Delivered, new { o.Delivery.Id, o.Status, Now = now }, transaction, cancellationToken: token));
                else
                    await connection.ExecuteAsync(new CommandDefinition(OutboxSql.Retry,
                        new { o.Delivery.Id, o.State, o.Status, o.Error, Next = o.NextAttemptAt }, transaction, cancellationToken: token));
                if (o.DisableSubscription)
                    await connection.ExecuteAsync(new CommandDefinition(OutboxSql.Disable,
                        new { Id = o.Delivery.SubscriptionId, Reason = $"The receiver answered 410 Gone at {now:O}." }, transaction, cancellationToken: token));
            }
            return true;
        }, ct);

    private sealed record DeliveryOutcome(DueDelivery Delivery, string State, int? Status, string? Error, DateTimeOffset? NextAttemptAt, bool DisableSubscription);

    /// <summary>
    /// Sends due escalations to HQ, one ticket's escalations in order. Transient failures (after the client's own retries
    /// and with its circuit breaker) wait with the outbox's backoff; a refusal (4xx other than 408/429) is Failed at once,
    /// as is the last attempt, and either raises an alert to the IT managers.
    /// </summary>
    private async Task<int> SendEscalationsAsync(CancellationToken ct)
    {
        var sent = 0;
        for (var round = 0; round < 50; round++)
        {
            if (!await leases.TakeLeaseAsync("outbox", _instance, clock.GetUtcNow(), LeaseDuration, ct)) break;
            var due = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<DueEscalation>(
                new CommandDefinition(_hqSql.Due, new { now = clock.GetUtcNow(), batch = Batch }, cancellationToken: token))).ToList(), ct);
            if (due.Count == 0) break;
            var progress = false;
            foreach (var e in due)
            {
                var (outcome, status, reference, error) = await hq.EscalateAsync(e.EventId, e.Payload, ct);
                var now = clock.GetUtcNow();
                if (outcome == HqOutcome.Sent)
                {
                    await WriteAsync(HqSql.Sent, new { e.Id, Status = status, Reference = reference, Now = now }, ct);
                    (sent, progress) = (sent + 1, true);
                    continue;
                }
                var attempts = e.Attempts + 1;
                var failed = outcome == HqOutcome.Refused || attempts >= options.Value.Retry.MaxAttempts;
                await database.WriteAsync(async (connection, transaction, token) =>
                {
                    await connection.ExecuteAsync(new CommandDefinition(HqSql.Retry, new
                    {
                        e.Id, State = (failed ? EscalationState.Failed : EscalationState.Queued).ToString(), Status = status, Error = error, Now = now,
                        Next = failed ? (DateTimeOffset?)null : now + Backoff(attempts, options.Value.Retry),
                    }, transaction, cancellationToken: token));
                    if (failed)
                        await leases.AddNotificationsAsync(connection, transaction, [new Notification
                        {
                            TicketId = e.TicketId, Type = "escalation.failed", RecipientKind = RecipientKind.ItManagers, Recipient = e.UnitPath, CreatedAt = now,
                            Details = System.Text.Json.JsonSerializer.Serialize(new { escalation = e.EventId, status, error }),
                        }], token);
                    return true;
                }, ct);
                if (failed) logger.LogWarning("Escalation {Event} of ticket {Ticket} failed: {Error}", e.EventId, e.TicketId, error);
                if (outcome == HqOutcome.Transient) break;
            }
            if (!progress) break;
        }
        return sent;
    }

    /// <summary>BaseDelay · 2^(attempt-1), capped at MaxDelay, with ±20 % jitter.</summary>
    public static TimeSpan Backoff(int attempt, OutboxOptions.RetryOptions retry)
    {
        var raw = retry.BaseDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(raw, retry.MaxDelay.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private Task WriteAsync(string sql, object args, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: token)), ct);

    private sealed class DueEscalation
    {
        public long Id { get; init; }
        public string EventId { get; init; } = "";
        public long TicketId { get; init; }
        public int Attempts { get; init; }
        public string Payload { get; init; } = "";
        public string UnitPath { get; init; } = "";
    }

    private sealed class DueDelivery
    {
        public long Id { get; init; }
        public string SubscriptionId { get; init; } = "";
        public string EventId { get; init; } = "";
        public int Attempts { get; init; }
        public string Payload { get; init; } = "";
        public string Url { get; init; } = "";
        public string Secret { get; init; } = "";
        public string? PreviousSecret { get; init; }
        public DateTimeOffset? PreviousSecretUntil { get; init; }
    }
}
