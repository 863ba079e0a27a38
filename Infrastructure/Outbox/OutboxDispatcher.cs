using System.Net;
using System.Text;
using Dapper;
using Itsm.Domain.Escalations;
using Itsm.Infrastructure.Hosting;
using Itsm.Infrastructure.Hq;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Telemetry;
using Itsm.Infrastructure.Webhooks;
using Microsoft.Extensions.Logging;

namespace Itsm.Infrastructure.Outbox;

/// <summary>Configuration section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Events fanned out, and deliveries read, per round.</summary>
    public int Batch { get; set; } = 200;

    /// <summary>Sends in flight at once, over all subscriptions.</summary>
    public int MaxParallelSends { get; set; } = 128;

    /// <summary>Sends in flight at once to one subscription: a slow receiver ties up no more than these.</summary>
    public int SendsPerSubscription { get; set; } = 32;

    /// <summary>How long one send may take; a slower receiver's delivery is retried later with backoff.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>While sends are in flight, how often a pass looks for new events and due deliveries.</summary>
    public TimeSpan PollWhileSending { get; set; } = TimeSpan.FromMilliseconds(100);

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
            return (null, null, e is TaskCanceledException ? "timed out" : ColumnText.Fit(e.Message));
        }
    }
}

public sealed record DispatchPass(bool Leased, int EventsFannedOut, int Delivered, int Failed, int SentToHq = 0);

/// <summary>
/// Delivers what the outbox holds, at least once: fans each batch of events out to the subscriptions that want them (one
/// set-based insert), then sends due deliveries, in order per subscription and ticket. Subscriptions are served fairly: a
/// round takes each one's oldest due deliveries, at most <see cref="OutboxOptions.SendsPerSubscription"/> in flight each,
/// every send within <see cref="OutboxOptions.SendTimeout"/>; a pass never waits for one slow receiver but keeps serving the
/// others while its sends run. HQ escalations go in a loop of their own beside the webhooks. A failure waits with exponential
/// backoff (honouring Retry-After); after the last attempt the delivery is a dead letter; 410 Gone disables the subscription.
/// One instance at a time holds the lease; a stopped process resumes where it was, since all state is in the database.
/// </summary>
public sealed class OutboxDispatcher(Database database, JobLeases leases, SlaStore notifications, WebhookSender sender, HqClient hq,
    TimeProvider clock, Microsoft.Extensions.Options.IOptions<OutboxOptions> options, Microsoft.Extensions.Options.IOptions<HqOptions> hqOptions,
    ILogger<OutboxDispatcher> logger, ItsmMetrics? metrics = null)
{
    private readonly OutboxSql _sql = new(database.Dialect);
    private readonly HqSql _hqSql = new(database.Dialect);
    private readonly JobLease _lease = leases.For(JobLeases.Outbox);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly SemaphoreSlim _oneFanOut = new(1, 1);

    private OutboxOptions Options => options.Value;

    public async Task<DispatchPass> RunPassAsync(CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            if (!await _lease.HoldAsync(ct)) return new DispatchPass(false, 0, 0, 0);
            // Escalations to HQ never wait behind webhooks: both loops run side by side, each fanning out what has arrived.
            var escalations = hqOptions.Value.IsConfigured ? SendEscalationsAsync(ct) : Task.FromResult(0);
            try
            {
                var (fannedOut, delivered, failed) = await DeliverWebhooksAsync(ct);
                return new DispatchPass(true, fannedOut, delivered, failed, await escalations);
            }
            finally
            {
                // The escalation loop never outlives the pass (even when the webhooks' loop throws): otherwise the next
                // pass would start a second loop sending the same queued escalations.
                await Task.WhenAny(escalations);
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Lets the lease go when the host stops, so a restarted or other instance dispatches at once.</summary>
    public Task ReleaseLeaseAsync(CancellationToken ct) => _lease.ReleaseAsync(ct);

    /// <summary>
    /// Rounds of fan-out and sending until nothing is due and no send is in flight. Sends outlive the round that started
    /// them: while some are in flight the loop wakes when one ends, or every <see cref="OutboxOptions.PollWhileSending"/>
    /// to pick up new events, so a slow receiver holds back only its own deliveries.
    /// </summary>
    private async Task<(int FannedOut, int Delivered, int Failed)> DeliverWebhooksAsync(CancellationToken ct)
    {
        var (fannedOut, delivered, failed) = (0, 0, 0);
        var inFlight = new Dictionary<long, (string Subscription, Task<DeliveryOutcome> Send)>();
        var perSubscription = new Dictionary<string, int>();
        // A subscription whose send failed or timed out gets nothing more in this pass: its other deliveries wait for the
        // next pass instead of tying up sends one timeout after another.
        var resting = new HashSet<string>();
        try
        {
            while (await _lease.HoldAsync(ct))
            {
                var fanned = await FanOutAsync(ct);
                fannedOut += fanned;
                if (inFlight.Count < Options.MaxParallelSends)
                    foreach (var d in await DueAsync(ct))
                    {
                        if (inFlight.Count >= Options.MaxParallelSends) break;
                        if (inFlight.ContainsKey(d.Id) || resting.Contains(d.SubscriptionId)
                            || perSubscription.GetValueOrDefault(d.SubscriptionId) >= Options.SendsPerSubscription) continue;
                        perSubscription[d.SubscriptionId] = perSubscription.GetValueOrDefault(d.SubscriptionId) + 1;
                        inFlight[d.Id] = (d.SubscriptionId, SendAsync(d, ct));
                    }
                if (inFlight.Count == 0)
                {
                    if (fanned == 0) break;
                    continue;
                }
                // The round's sends usually end together; a slow one is left running while the loop serves the others.
                await Task.WhenAny(Task.WhenAll(inFlight.Values.Select(f => f.Send)), Task.Delay(Options.PollWhileSending, TimeProvider.System, ct));
                var done = inFlight.Where(f => f.Value.Send.IsCompleted).ToList();
                var outcomes = new List<DeliveryOutcome>(done.Count);
                foreach (var (id, (subscription, send)) in done)
                {
                    inFlight.Remove(id);
                    perSubscription[subscription]--;
                    outcomes.Add(await send);
                }
                await RecordAsync(outcomes, CancellationToken.None);
                foreach (var o in outcomes.Where(o => o.State != WebhookDeliveryState.Delivered)) resting.Add(o.Delivery.SubscriptionId);
                Tally(outcomes);
            }
        }
        finally
        {
            // What was sent is recorded even when the host is stopping or the lease was lost, so it is not sent twice.
            var outcomes = await Task.WhenAll(inFlight.Values.Select(f => f.Send));
            await RecordAsync(outcomes, CancellationToken.None);
            Tally(outcomes);
        }
        return (fannedOut, delivered, failed);

        void Tally(IReadOnlyCollection<DeliveryOutcome> outcomes)
        {
            delivered += outcomes.Count(o => o.State == WebhookDeliveryState.Delivered);
            failed += outcomes.Count(o => o.State != WebhookDeliveryState.Delivered);
        }
    }

    private Task<List<DueDelivery>> DueAsync(CancellationToken ct) =>
        database.ReadAsync(async (connection, token) => (await connection.QueryAsync<DueDelivery>(new CommandDefinition(_sql.DueDeliveries,
            new { now = clock.GetUtcNow(), batch = Options.Batch, perSubscription = Options.SendsPerSubscription }, cancellationToken: token))).ToList(), ct);

    /// <summary>One batch of new events becomes deliveries (and HQ escalations) in two set-based inserts.</summary>
    private async Task<int> FanOutAsync(CancellationToken ct)
    {
        await _oneFanOut.WaitAsync(ct);
        try
        {
            // Most rounds find nothing new: look before taking the (single) writer's turn.
            var waiting = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<long>(
                new CommandDefinition(_sql.Undispatched, new { batch = 1 }, cancellationToken: token))).Any(), ct);
            if (!waiting) return 0;
            return await database.WriteAsync(async (connection, transaction, token) =>
            {
                var ids = (await connection.QueryAsync<long>(
                    new CommandDefinition(_sql.Undispatched, new { batch = Options.Batch }, transaction, cancellationToken: token))).ToArray();
                if (ids.Length == 0) return 0;
                var now = clock.GetUtcNow();
                await connection.ExecuteAsync(new CommandDefinition(_sql.FanOut, new { ids, Now = now }, transaction, cancellationToken: token));
                if (hqOptions.Value.IsConfigured)
                    await connection.ExecuteAsync(new CommandDefinition(OutboxSql.QueueEscalations, new { ids, Now = now }, transaction, cancellationToken: token));
                await connection.ExecuteAsync(new CommandDefinition(OutboxSql.MarkDispatched, new { ids }, transaction, cancellationToken: token));
                return ids.Length;
            }, ct);
        }
        finally
        {
            _oneFanOut.Release();
        }
    }

    /// <summary>Sends one delivery within the send timeout and works out what to record.</summary>
    private async Task<DeliveryOutcome> SendAsync(DueDelivery d, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            var now = clock.GetUtcNow();
            var secrets = d.PreviousSecret is not null && d.PreviousSecretUntil > now ? new[] { d.Secret, d.PreviousSecret } : [d.Secret];
            // Each send has its own budget (real time, like the HTTP it bounds): a slow receiver gets a retry later.
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
            budget.CancelAfter(Options.SendTimeout);
            (int? Status, TimeSpan? RetryAfter, string? Error) sent;
            try
            {
                sent = await sender.SendAsync(d.Url, d.EventId, d.Payload, secrets, now, budget.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                sent = (null, null, $"timed out after {Options.SendTimeout.TotalSeconds:0.###} s");
            }
            var (status, retryAfter, error) = sent;
            now = clock.GetUtcNow();
            if (status is >= 200 and < 300) return new DeliveryOutcome(d, WebhookDeliveryState.Delivered, status, null, null, false);
            if (status == (int)HttpStatusCode.Gone) return new DeliveryOutcome(d, WebhookDeliveryState.Failed, status, "410 Gone: subscription disabled", null, true);
            var retry = Options.Retry;
            if (d.Attempts + 1 >= retry.MaxAttempts) return new DeliveryOutcome(d, WebhookDeliveryState.DeadLetter, status, error, null, false);
            var delay = Backoff(d.Attempts + 1, retry);
            if (retryAfter is { } asked && asked > delay) delay = asked < retry.MaxDelay ? asked : retry.MaxDelay;
            return new DeliveryOutcome(d, WebhookDeliveryState.Pending, status, error, now + delay, false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Cut short by the host stopping: due again at once, for whichever instance runs next.
            return new DeliveryOutcome(d, WebhookDeliveryState.Pending, null, "interrupted by a shutdown", clock.GetUtcNow(), false);
        }
        catch (Exception e)
        {
            return new DeliveryOutcome(d, WebhookDeliveryState.Pending, null, ColumnText.Fit(e.Message), clock.GetUtcNow() + Options.Retry.BaseDelay, false);
        }
    }

    /// <summary>The outcomes of a round, in one transaction.</summary>
    private async Task RecordAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken ct)
    {
        if (outcomes.Count == 0) return;
        await database.WriteAsync(async (connection, transaction, token) =>
        {
            var now = clock.GetUtcNow();
            foreach (var o in outcomes)
            {
                if (o.State == WebhookDeliveryState.Delivered)
                    await connection.ExecuteAsync(new CommandDefinition(OutboxSql.Delivered, new { o.Delivery.Id, o.Status, Now = now }, transaction, cancellationToken: token));
                else
                    await connection.ExecuteAsync(new CommandDefinition(OutboxSql.Retry,
                        new { o.Delivery.Id, State = o.State.ToString(), o.Status, o.Error, Next = o.NextAttemptAt }, transaction, cancellationToken: token));
                if (o.DisableSubscription)
                    await connection.ExecuteAsync(new CommandDefinition(OutboxSql.Disable,
                        new { Id = o.Delivery.SubscriptionId, Reason = $"The receiver answered 410 Gone at {now:O}." }, transaction, cancellationToken: token));
            }
            return true;
        }, ct);
        foreach (var o in outcomes) metrics?.WebhookDelivery(o.State);
        foreach (var o in outcomes.Where(o => o.DisableSubscription))
            logger.LogWarning("Webhook subscription {Subscription} disabled: its receiver answered 410 Gone", o.Delivery.SubscriptionId);
        foreach (var o in outcomes.Where(o => o.State == WebhookDeliveryState.DeadLetter))
            logger.LogWarning("Webhook delivery {Delivery} is a dead letter: {Error}", o.Delivery.Id, o.Error);
    }

    private sealed record DeliveryOutcome(DueDelivery Delivery, WebhookDeliveryState State, int? Status, string? Error, DateTimeOffset? NextAttemptAt,
        bool DisableSubscription);

    /// <summary>
    /// Sends due escalations to HQ, one ticket's escalations in order. Transient failures (after the client's own retries
    /// and with its circuit breaker) wait with the outbox's backoff; a refusal (4xx other than 408/429) is Failed at once,
    /// as is the last attempt, and either raises an alert to the IT managers.
    /// </summary>
    private async Task<int> SendEscalationsAsync(CancellationToken ct)
    {
        await Task.Yield();
        var sent = 0;
        for (var round = 0; round < 50; round++)
        {
            if (!await _lease.HoldAsync(ct)) break;
            await FanOutAsync(ct);
            var due = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<DueEscalation>(
                new CommandDefinition(_hqSql.Due, new { now = clock.GetUtcNow(), batch = Options.Batch }, cancellationToken: token))).ToList(), ct);
            if (due.Count == 0) break;
            var progress = false;
            foreach (var e in due)
            {
                // Each send can take the client's whole budget: hold (renew) the lease before each, so that no second
                // instance takes it over and sends the same queued escalation meanwhile.
                if (!await _lease.HoldAsync(ct)) return sent;
                var (outcome, status, reference, error) = await hq.EscalateAsync(e.EventId, e.Payload, ct);
                var now = clock.GetUtcNow();
                if (outcome == HqOutcome.Sent)
                {
                    await WriteAsync(HqSql.Sent, new { e.Id, Status = status, Reference = reference, Now = now }, ct);
                    metrics?.HqEscalation(outcome, failed: false);
                    (sent, progress) = (sent + 1, true);
                    continue;
                }
                var attempts = e.Attempts + 1;
                var failed = outcome == HqOutcome.Refused || attempts >= options.Value.Retry.MaxAttempts;
                await database.WriteAsync(async (connection, transaction, token) =>
                {
                    var updated = await connection.ExecuteAsync(new CommandDefinition(HqSql.Retry, new
                    {
                        e.Id, State = (failed ? EscalationState.Failed : EscalationState.Queued).ToString(), Status = status, Error = error, Now = now,
                        Next = failed ? (DateTimeOffset?)null : now + Backoff(attempts, options.Value.Retry),
                    }, transaction, cancellationToken: token));
                    // Alert only when this send's outcome was recorded (not when HQ answered the escalation meanwhile).
                    if (failed && updated == 1)
                        await notifications.AddNotificationsAsync(connection, transaction, [new Notification
                        {
                            TicketId = e.TicketId, Type = "escalation.failed", RecipientKind = RecipientKind.ItManagers, Recipient = e.UnitPath, CreatedAt = now,
                            Details = System.Text.Json.JsonSerializer.Serialize(new { escalation = e.EventId, status, error }),
                        }], token);
                    return true;
                }, ct);
                metrics?.HqEscalation(outcome, failed);
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
