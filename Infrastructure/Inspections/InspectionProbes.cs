using System.Net;
using System.Net.Sockets;
using Itsm.Domain.Inspections;

namespace Itsm.Infrastructure.Inspections;

/// <summary>
/// Measures a probe's latency. The service measures on the real clock; a test gives it a clock that moves a known amount
/// per reading, so a latency limit is tested without racing real time.
/// </summary>
public sealed class ProbeTiming(TimeProvider time)
{
    public DateTimeOffset Start() => time.GetUtcNow();

    public long ElapsedMs(DateTimeOffset started) => (long)(time.GetUtcNow() - started).TotalMilliseconds;
}

/// <summary>
/// The service's own availability checks (a typed client with its own resilience settings: one attempt, no retries
/// that would hide an outage): an HTTP GET with the item's timeout, expected status (any 2xx unless stated), text and
/// latency; or a TCP connect. Every connection goes through <see cref="InspectionTargets"/> after DNS resolution.
/// </summary>
public sealed class InspectionProbes(HttpClient http, InspectionTargets targets, InspectionOptions options, ProbeTiming timing)
{
    /// <summary>The body is read up to this many characters for <c>contains</c>.</summary>
    private const int MaxBodyChars = 1024 * 1024;

    public async Task<ItemRecord> ProbeAsync(InspectionItem item, CancellationToken ct)
    {
        var timeout = item.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : options.DefaultTimeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var started = timing.Start();
        try
        {
            return item.Kind == ItemKind.Tcp
                ? await TcpAsync(item, started, limit.Token)
                : await HttpAsync(item, started, limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed(item, null, null, $"timed out after {(long)timeout.TotalMilliseconds} ms");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TargetRefusedException)
        {
            return Failed(item, null, null, Describe(e));
        }
    }

    private async Task<ItemRecord> HttpAsync(InspectionItem item, DateTimeOffset started, CancellationToken ct)
    {
        using var response = await http.GetAsync(item.Target, HttpCompletionOption.ResponseHeadersRead, ct);
        var body = item.Expect?.Contains is null ? null : await ReadAsync(response, ct);
        var latency = timing.ElapsedMs(started);
        var status = (int)response.StatusCode;
        var expected = item.Expect?.Status;
        if (expected is { } e ? status != e : status is < 200 or > 299)
            return Failed(item, status, latency, $"status {status}, expected {(expected?.ToString() ?? "2xx")}");
        if (item.Expect?.Contains is { } text && body?.Contains(text, StringComparison.Ordinal) != true)
            return Failed(item, status, latency, $"the response does not contain '{text}'");
        if (item.Expect?.MaxLatencyMs is { } max && latency > max)
            return Failed(item, status, latency, $"latency {latency} ms exceeds {max} ms");
        return new ItemRecord(item.Code, ItemResult.Pass, $"status {status} in {latency} ms", new ProbeOutcome(status, latency, null));
    }

    private async Task<ItemRecord> TcpAsync(InspectionItem item, DateTimeOffset started, CancellationToken ct)
    {
        var (host, port) = ItemTargets.SplitHostPort(item.Target!)!.Value;
        using var socket = await ConnectAsync(targets, host, port, ct);
        var latency = timing.ElapsedMs(started);
        if (item.Expect?.MaxLatencyMs is { } max && latency > max)
            return Failed(item, null, latency, $"latency {latency} ms exceeds {max} ms");
        return new ItemRecord(item.Code, ItemResult.Pass, $"port {port} answered in {latency} ms", new ProbeOutcome(null, latency, null));
    }

    /// <summary>Resolves the host, refuses it unless every address it resolves to is allowed, and connects to the first that answers.</summary>
    public static async Task<Socket> ConnectAsync(InspectionTargets targets, string host, int port, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0 || addresses.Any(a => !targets.AllowsResolved(host, a)))
            throw new TargetRefusedException($"{host} resolves to an address outside Inspections:AllowedTargets");
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), ct);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var buffer = new char[MaxBodyChars];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        return new string(buffer, 0, read);
    }

    private static ItemRecord Failed(InspectionItem item, int? status, long? latency, string error) =>
        new(item.Code, ItemResult.Fail, error, new ProbeOutcome(status, latency, error));

    private static string Describe(Exception e) => e switch
    {
        TargetRefusedException refused => refused.Message,
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } => "connection refused",
        HttpRequestException { InnerException: TargetRefusedException refused } => refused.Message,
        _ => e.GetBaseException().Message,
    };

    /// <summary>The primary handler of the probe client: no redirects (a redirect could leave the allowed targets), no cookies, checked connections.</summary>
    public static SocketsHttpHandler Handler(InspectionTargets targets) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectCallback = async (context, ct) =>
        {
            var socket = await ConnectAsync(targets, context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };
}

/// <summary>A probe target that resolves outside the allowed targets.</summary>
public sealed class TargetRefusedException(string message) : Exception(message);

/// <summary>How item targets are written: an absolute http(s) URL, or <c>host:port</c>.</summary>
public static class ItemTargets
{
    public static (string Host, int Port)? SplitHostPort(string target)
    {
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(target.AsSpan(colon + 1), System.Globalization.NumberStyles.None, null, out var port) || port is < 1 or > 65535)
            return null;
        var host = target[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        return Uri.CheckHostName(host) == UriHostNameType.Unknown ? null : (host, port);
    }

    public static Uri? HttpUrl(string target) =>
        Uri.TryCreate(target, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.UserInfo) ? uri : null;

    /// <summary>The host an item's target names (null when the target is malformed).</summary>
    public static string? HostOf(InspectionItem item) => item.Kind switch
    {
        ItemKind.Http => item.Target is { } t ? HttpUrl(t)?.IdnHost : null,
        ItemKind.Tcp => item.Target is { } t ? SplitHostPort(t)?.Host : null,
        _ => null,
    };
}
