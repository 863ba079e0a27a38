using Itsm.Infrastructure.Sql;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Polly.CircuitBreaker;

namespace Itsm.Infrastructure.Hq;

/// <summary>Configuration section <c>Hq</c>: the HQ helpdesk system that receives escalations (提报总部) and calls back.</summary>
public sealed class HqOptions
{
    /// <summary>Where escalations go (<c>POST {BaseUrl}/escalations</c>); unset: escalations stay in this service for HQ line 3.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer …</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The secret HQ signs its callbacks with (Standard Webhooks, <c>whsec_…</c>).</summary>
    public string? CallbackSecret { get; set; }

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries within one delivery attempt (exponential with jitter, honouring Retry-After); the outbox retries later.</summary>
    public int Retries { get; set; } = 2;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The circuit opens when this share of calls failed within the sampling window (with at least the minimum throughput).</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;
    public int BreakerMinimumThroughput { get; set; } = 4;
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl);
}

public enum HqOutcome { Sent, Transient, Refused }

/// <summary>The typed client for the HQ system; its resilience pipeline (timeouts, retries, circuit breaker) comes from configuration.</summary>
public sealed class HqClient(HttpClient http)
{
    /// <summary>POSTs the escalation with its event id as Idempotency-Key (the same on every attempt), so HQ applies it once.</summary>
    public async Task<(HqOutcome Outcome, int? Status, string? Reference, string? Error)> EscalateAsync(string eventId, string payload, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "escalations") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", eventId);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode) return (HqOutcome.Sent, status, Reference(body), null);
            var error = $"HTTP {status}: {(body.Length > 300 ? body[..300] : body)}";
            var permanent = status is >= 400 and < 500 && status is not (408 or 429);
            return (permanent ? HqOutcome.Refused : HqOutcome.Transient, status, null, error);
        }
        catch (BrokenCircuitException)
        {
            return (HqOutcome.Transient, null, null, "circuit open: HQ failed repeatedly, calls paused");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                   or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (HqOutcome.Transient, null, null, e is HttpRequestException ? ColumnText.Fit(e.Message) : "timed out");
        }
    }

    public static void Configure(HttpClient http, HqOptions options)
    {
        http.BaseAddress = new Uri(options.BaseUrl!.TrimEnd('/') + "/");
        http.Timeout = Timeout.InfiniteTimeSpan;
        if (options.ApiKey is { Length: > 0 } key) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    /// <summary>The longest reference of HQ's that is kept (the column's size); a longer one is not kept rather than cut.</summary>
    public const int MaxReferenceLength = 200;

    private static string? Reference(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("reference", out var r) && r.ValueKind == JsonValueKind.String
                   && r.GetString() is { Length: > 0 and <= MaxReferenceLength } reference ? reference : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static bool IsTransientStatus(HttpStatusCode status) => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
