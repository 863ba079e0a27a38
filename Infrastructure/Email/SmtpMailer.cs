using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Polly;
using Polly.Retry;

namespace Itsm.Infrastructure.Email;

/// <summary>How one send ended: sent, refused for good (the server rejected the recipient or the message), or to try again.</summary>
public enum MailOutcome { Sent, Refused, Transient }

/// <summary>
/// One connection to the mail server for a pass, opened on the first send and opened again when it drops. Each send is
/// retried a few times at once (Polly) when the server cannot be reached or answers 4xx; a 5xx answer is final.
/// </summary>
public sealed class SmtpMailer(SmtpOptions smtp, EmailOptions email) : IAsyncDisposable
{
    private readonly SmtpClient _client = new() { Timeout = (int)smtp.Timeout.TotalMilliseconds };

    private readonly ResiliencePipeline _retry = email.QuickRetries <= 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder
    {
        // Delays between attempts on a real-time clock: the service's own clock may be a test's fake one.
        TimeProvider = TimeProvider.System,
    }.AddRetry(new RetryStrategyOptions
    {
        ShouldHandle = new PredicateBuilder().Handle<Exception>(e => Classify(e) == MailOutcome.Transient),
        MaxRetryAttempts = email.QuickRetries,
        Delay = email.QuickRetryDelay,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
    }).Build();

    public async Task<(MailOutcome Outcome, string? Error)> SendAsync(MimeMessage message, CancellationToken ct)
    {
        try
        {
            await _retry.ExecuteAsync(async token =>
            {
                if (!_client.IsConnected) await ConnectAsync(token);
                await _client.SendAsync(message, token);
            }, ct);
            return (MailOutcome.Sent, null);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && Classify(e) is var outcome and not MailOutcome.Sent)
        {
            return (outcome, e.Message);
        }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        var security = smtp.StartTls switch
        {
            true => SecureSocketOptions.StartTls,
            false => SecureSocketOptions.None,
            null => SecureSocketOptions.Auto,
        };
        await _client.ConnectAsync(smtp.Host!, smtp.Port, security, ct);
        if (!string.IsNullOrEmpty(smtp.User)) await _client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
    }

    /// <summary>Transient: unreachable, dropped, timed out, or a 4xx answer; refused: a 5xx answer (or a bad address).</summary>
    private static MailOutcome Classify(Exception e) => e switch
    {
        SmtpCommandException { StatusCode: var status } when (int)status >= 500 => MailOutcome.Refused,
        SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException
            or TimeoutException or OperationCanceledException => MailOutcome.Transient,
        AuthenticationException or SslHandshakeException => MailOutcome.Transient,
        ParseException or ArgumentException or InvalidOperationException => MailOutcome.Refused,
        _ => MailOutcome.Transient,
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(quit: true, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // Everything sent was already recorded: a failed goodbye changes nothing.
        }
        _client.Dispose();
    }
}
