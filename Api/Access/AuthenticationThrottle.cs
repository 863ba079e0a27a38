using System.Collections.Concurrent;
using System.Net;
using Itsm.Api.Problems;
using Microsoft.AspNetCore.HttpOverrides;

namespace Itsm.Api.Access;

/// <summary>
/// Failed authentications (an API key or a bearer token that is not valid) per client address, counted in fixed windows: after
/// <c>Auth:FailureLimit</c> (20) within <c>Auth:FailureWindow</c> (1 minute), every request from that address gets 429
/// until the window passes, so guessing keys is slow; other addresses are unaffected. IPv6 callers count per /64,
/// the block one subscriber holds. Time comes from <see cref="TimeProvider"/>.
/// </summary>
public sealed class FailedAuthentications(TimeProvider clock, IConfiguration configuration)
{
    /// <summary>Above this many tracked addresses, windows that have passed are dropped.</summary>
    private const int PruneAbove = 10_000;

    private readonly int _limit = configuration.GetValue("Auth:FailureLimit", 20);
    private readonly TimeSpan _window = configuration.GetValue("Auth:FailureWindow", TimeSpan.FromMinutes(1));
    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();
    private long _prunedAt; // UTC ticks of the last prune: at most one scan per window, however many addresses fail

    private sealed record Window(DateTimeOffset Start, int Failures);

    public void Record(IPAddress? address)
    {
        if (address is null) return;
        var now = clock.GetUtcNow();
        _windows.AddOrUpdate(Client(address), _ => new Window(now, 1),
            (_, w) => now >= w.Start + _window ? new Window(now, 1) : w with { Failures = w.Failures + 1 });
        var prunedAt = Interlocked.Read(ref _prunedAt);
        if (_windows.Count > PruneAbove && now.UtcTicks - prunedAt >= _window.Ticks
            && Interlocked.CompareExchange(ref _prunedAt, now.UtcTicks, prunedAt) == prunedAt)
            foreach (var (key, w) in _windows)
                if (now >= w.Start + _window) _windows.TryRemove(key, out _);
    }

    /// <summary>How long the address must wait, or null when it is not throttled.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (address is null || !_windows.TryGetValue(Client(address), out var w)) return null;
        var wait = w.Start + _window - clock.GetUtcNow();
        return w.Failures >= _limit && wait > TimeSpan.Zero ? wait : null;
    }

    private static IPAddress Client(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}

public static class AuthenticationThrottle
{
    /// <summary>
    /// The throttle, and the client address behind a reverse proxy: <c>X-Forwarded-For</c> is believed only from the
    /// proxies listed in <c>Network:KnownProxies</c> (addresses) or <c>Network:KnownNetworks</c> (CIDR), never blindly.
    /// </summary>
    public static IServiceCollection AddAuthenticationThrottle(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<FailedAuthentications>();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in KnownProxies(configuration)) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in KnownNetworks(configuration)) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        return services;
    }

    /// <summary>Takes the client address from <c>X-Forwarded-For</c> when the request came through a known proxy.</summary>
    public static IApplicationBuilder UseClientAddress(this IApplicationBuilder app)
    {
        var configuration = app.ApplicationServices.GetRequiredService<IConfiguration>();
        return KnownProxies(configuration).Length + KnownNetworks(configuration).Length > 0 ? app.UseForwardedHeaders() : app;
    }

    /// <summary>429 with <c>Retry-After</c> for every request from an address with too many failed authentications.</summary>
    public static IApplicationBuilder UseAuthenticationThrottle(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // Probes and scrapes carry no credentials: failures by others at the same address must not fail them.
        var operatorEndpoint = context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/metrics");
        if (operatorEndpoint || context.RequestServices.GetRequiredService<FailedAuthentications>().RetryAfter(context.Connection.RemoteIpAddress) is not { } wait)
        {
            await next(context);
            return;
        }
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ProblemResults.Write(context, StatusCodes.Status429TooManyRequests, "too-many-failed-authentications",
            "Too many failed authentications", $"Too many requests from your address had an API key or bearer token that is not valid; try again in {seconds} s.");
    });

    private static string[] KnownProxies(IConfiguration configuration) => configuration.GetSection("Network:KnownProxies").Get<string[]>() ?? [];

    private static string[] KnownNetworks(IConfiguration configuration) => configuration.GetSection("Network:KnownNetworks").Get<string[]>() ?? [];
}
