using Dapper;
using Itsm.Infrastructure.Hosting;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Retention;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Itsm.Infrastructure.Email;

public sealed record EmailPass(bool Leased, int Queued, int Sent, int Retried, int Failed, int Skipped);

public enum EmailDeliveryState
{
    Pending,
    Sent,
    /// <summary>Refused by the mail server, or out of attempts.</summary>
    Failed,
    /// <summary>No address, or e-mail switched off, by the time it was due (or its notification was purged).</summary>
    Skipped,
}

/// <summary>One user's e-mail for one notification, as recorded.</summary>
public sealed class EmailDelivery
{
    public long NotificationId { get; init; }
    public string UserId { get; init; } = "";
    public EmailDeliveryState State { get; init; }
    public int Attempts { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
}

/// <summary>
/// Sends notifications by e-mail, through the outbox pattern: a notification is only a row written in its change's
/// transaction; this dispatcher later expands it to one pending e-mail per recipient user (a group's members, a unit's
/// service desk, IT managers or approvers up the hierarchy, a department's approvers, one user), then sends the due ones
/// and records each as it goes. The (notification, user) key and the state make a second expansion, a second instance or
/// a restart send nothing twice that was recorded as sent; what a crash interrupts between the server's acceptance and
/// the record is sent again with the same Message-ID, so a mail system can tell it is the same. One instance at a time
/// holds the lease. Without <c>Smtp:Host</c> nothing runs and nothing fails.
/// </summary>
public sealed class EmailDispatcher(Database database, JobLeases leases, TimeProvider clock, IOptions<SmtpOptions> smtp, IOptions<EmailOptions> email,
    IOptions<RetentionOptions> retention, IConfiguration configuration, ILogger<EmailDispatcher> logger, ItsmMetrics? metrics = null)
{
    private readonly EmailSql _sql = new(database.Dialect);
    private readonly JobLease _lease = leases.For(JobLeases.Email);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public bool IsConfigured => smtp.Value.IsConfigured;

    public async Task<EmailPass> RunPassAsync(CancellationToken ct)
    {
        if (!IsConfigured) return new EmailPass(false, 0, 0, 0, 0, 0);
        await _oneAtATime.WaitAsync(ct);
        try
        {
            if (!await _lease.HoldAsync(ct)) return new EmailPass(false, 0, 0, 0, 0, 0);
            var queued = await QueueAsync(ct);
            var (sent, retried, failed, skipped) = await SendDueAsync(ct);
            await database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(_sql.Purge,
                new { before = clock.GetUtcNow().AddDays(-retention.Value.NotificationsDays) }, transaction, cancellationToken: token)), ct);
            return new EmailPass(true, queued, sent, retried, failed, skipped);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public Task ReleaseLeaseAsync(CancellationToken ct) => _lease.ReleaseAsync(ct);

    /// <summary>Expands new notifications to their e-mails, a batch per transaction, until none is left.</summary>
    private async Task<int> QueueAsync(CancellationToken ct)
    {
        var queued = 0;
        while (await _lease.HoldAsync(ct))
        {
            var now = clock.GetUtcNow();
            var ids = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<long>(
                new CommandDefinition(_sql.Unqueued, new { batch = email.Value.Batch }, cancellationToken: token))).ToList(), ct);
            if (ids.Count == 0) break;
            queued += await database.WriteAsync(async (connection, transaction, token) =>
            {
                var added = await connection.ExecuteAsync(new CommandDefinition(_sql.Expand,
                    new { ids, now, since = now - email.Value.MaxAge }, transaction, cancellationToken: token));
                await connection.ExecuteAsync(new CommandDefinition(EmailSql.MarkQueued, new { ids, now }, transaction, cancellationToken: token));
                return added;
            }, ct);
        }
        return queued;
    }

    private async Task<(int Sent, int Retried, int Failed, int Skipped)> SendDueAsync(CancellationToken ct)
    {
        var (sent, retried, failed, skipped) = (0, 0, 0, 0);
        var unreachable = false;
        await using var mailer = new SmtpMailer(smtp.Value, email.Value);
        while (!unreachable && await _lease.HoldAsync(ct))
        {
            var due = await database.ReadAsync(async (connection, token) => (await connection.QueryAsync<DueEmail>(
                new CommandDefinition(_sql.Due, new { now = clock.GetUtcNow(), batch = email.Value.Batch }, cancellationToken: token))).ToList(), ct);
            if (due.Count == 0) break;
            foreach (var e in due)
            {
                // Each send may take the mailer's whole retry budget: renew the lease before each, so no other instance
                // takes the job over and sends the same e-mail meanwhile.
                if (!await _lease.HoldAsync(ct)) return (sent, retried, failed, skipped);
                if (unreachable)
                {
                    // The server could not be reached for the previous e-mail: the rest of the batch waits with it,
                    // counted as not attempted.
                    await RecordAsync(e, EmailDeliveryState.Pending, attempted: 0, "not attempted: the mail server was unreachable", Later(e.Attempts + 1), ct);
                    continue;
                }
                if (e.Email is null || !e.EmailNotifications || e.Type is null)
                {
                    await RecordAsync(e, EmailDeliveryState.Skipped, attempted: 0, e.Type is null ? "the notification was purged" : "e-mail switched off", null, ct);
                    skipped++;
                    continue;
                }
                var (outcome, error) = await mailer.SendAsync(Message(e), ct);
                var now = clock.GetUtcNow();
                if (outcome == MailOutcome.Sent)
                {
                    await database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(EmailSql.Sent,
                        new { e.NotificationId, e.UserId, now }, transaction, cancellationToken: CancellationToken.None)), CancellationToken.None);
                    metrics?.EmailSent("sent");
                    sent++;
                    continue;
                }
                var givesUp = outcome == MailOutcome.Refused || e.Attempts + 1 >= email.Value.MaxAttempts;
                await RecordAsync(e, givesUp ? EmailDeliveryState.Failed : EmailDeliveryState.Pending, attempted: 1, ColumnText.Fit(error ?? outcome.ToString()),
                    givesUp ? null : Later(e.Attempts + 1), ct);
                metrics?.EmailSent(givesUp ? "failed" : "retry");
                if (givesUp)
                {
                    failed++;
                    logger.LogWarning("E-mail of notification {Notification} to {User} failed: {Error}", e.NotificationId, e.UserId, error);
                }
                else retried++;
                unreachable = outcome == MailOutcome.Transient;
                if (unreachable)
                    logger.LogWarning("The mail server {Host} did not take the e-mail of notification {Notification}: {Error}; the due e-mails wait for a later pass",
                        smtp.Value.Host, e.NotificationId, error);
            }
        }
        return (sent, retried, failed, skipped);
    }

    private DateTimeOffset Later(int attempt) => clock.GetUtcNow() +
        OutboxDispatcher.Backoff(attempt, new OutboxOptions.RetryOptions { BaseDelay = email.Value.BaseDelay, MaxDelay = email.Value.MaxDelay });

    private Task RecordAsync(DueEmail e, EmailDeliveryState state, int attempted, string? error, DateTimeOffset? next, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(EmailSql.Retry,
            new { e.NotificationId, e.UserId, State = state.ToString(), Attempted = attempted, Error = error, Next = next }, transaction, cancellationToken: token)), ct);

    private MimeMessage Message(DueEmail e)
    {
        var language = e.Language ?? email.Value.DefaultLanguage;
        var (subject, body) = EmailTemplates.Render(
            new EmailContent(e.Type!, e.TicketId, e.TicketNumber, e.TicketTitle, e.InspectionRunId, e.Subject, e.Details ?? "{}", e.CreatedAt ?? clock.GetUtcNow(), e.UserName),
            language, configuration["PublicBaseUrl"]);
        var from = MailboxAddress.Parse(smtp.Value.From);
        var message = new MimeMessage
        {
            Subject = subject,
            Body = new TextPart("plain") { Text = body, Headers = { { HeaderId.ContentLanguage, language } } },
            // The same id on every attempt: a message sent again after a crash is recognisably the same one.
            MessageId = $"notification-{e.NotificationId}.{e.UserId}@{from.Domain}",
        };
        message.From.Add(from);
        message.To.Add(new MailboxAddress(e.UserName, e.Email!));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    public Task<IReadOnlyList<EmailDelivery>> DeliveriesOfAsync(string userId, int limit, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<EmailDelivery>>(async (connection, token) => (await connection.QueryAsync<EmailDelivery>(
            new CommandDefinition(_sql.OfUser, new { userId, limit }, cancellationToken: token))).ToList(), ct);

    private sealed class DueEmail
    {
        public long NotificationId { get; init; }
        public string UserId { get; init; } = "";
        public int Attempts { get; init; }
        public string UserName { get; init; } = "";
        public string? Email { get; init; }
        public string? Language { get; init; }
        public bool EmailNotifications { get; init; }
        public string? Type { get; init; }
        public long? TicketId { get; init; }
        public long? InspectionRunId { get; init; }
        public string? Subject { get; init; }
        public string? Details { get; init; }
        public DateTimeOffset? CreatedAt { get; init; }
        public string? TicketNumber { get; init; }
        public string? TicketTitle { get; init; }
    }
}
