using System.Net;
using System.Net.Sockets;

namespace Itsm.Infrastructure.Inspections;

/// <summary>Configuration section <c>Inspections</c>.</summary>
public sealed class InspectionOptions
{
    /// <summary>Where probes may go: CIDRs (<c>10.20.0.0/16</c>) and host names (<c>erp.js.example</c>).</summary>
    public List<string> AllowedTargets { get; set; } = [];

    /// <summary>Also allow loopback (<c>localhost</c>, 127.0.0.0/8, ::1): on in Development, where the demo plan probes the service itself.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>How long a probe may take when its item does not say.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Seed the demo plan with the demo organisation (on in Development).</summary>
    public bool DemoPlan { get; set; }

    /// <summary>What the demo plan's probe checks: the service's own liveness.</summary>
    public string DemoProbeUrl { get; set; } = "http://localhost:5080/health/live";

    /// <summary>How often the scheduler looks for due runs and missed ones.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Which hosts probes may reach. Probe targets are internal systems, so private addresses are fine, but only those
/// listed: a plan naming any other host is refused when saved, and every address a name resolves to is checked again
/// when the probe connects (a listed name that now resolves to loopback, link-local or another unlisted special address
/// is refused), so DNS cannot redirect a probe elsewhere.
/// </summary>
public sealed class InspectionTargets
{
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(IPAddress Network, int Prefix)> _networks = [];
    private readonly bool _loopback;

    public InspectionTargets(InspectionOptions options)
    {
        _loopback = options.AllowLoopback;
        foreach (var entry in options.AllowedTargets.Select(t => t.Trim()).Where(t => t.Length > 0))
        {
            if (TryParseNetwork(entry) is { } network) _networks.Add(network);
            else _hosts.Add(entry.TrimEnd('.'));
        }
    }

    /// <summary>Whether a plan may name this host (a listed name, or an address in a listed network).</summary>
    public bool AllowsHost(string host)
    {
        host = host.Trim('[', ']').TrimEnd('.');
        if (IPAddress.TryParse(host, out var address)) return AllowsAddress(address, listedName: false);
        if (_loopback && string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return _hosts.Contains(host);
    }

    /// <summary>Whether a probe may connect to this address, which <paramref name="host"/> resolved to.</summary>
    public bool AllowsResolved(string host, IPAddress address) =>
        AllowsAddress(address, listedName: _hosts.Contains(host.Trim('[', ']').TrimEnd('.'))
                                           || (_loopback && string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)));

    private bool AllowsAddress(IPAddress address, bool listedName)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (_loopback && IPAddress.IsLoopback(address)) return true;
        if (_networks.Any(n => Contains(n.Network, n.Prefix, address))) return true;
        return listedName && !IsSpecial(address);
    }

    /// <summary>Addresses a listed name must never lead to unless a network lists them: loopback, link-local (cloud metadata), any, multicast.</summary>
    private static bool IsSpecial(IPAddress address) =>
        IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
        || address.IsIPv6LinkLocal || address.IsIPv6Multicast
        || (address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes() is [169, 254, ..] or [>= 224, ..]);

    private static (IPAddress, int)? TryParseNetwork(string text)
    {
        var slash = text.IndexOf('/');
        var (addressText, prefixText) = slash < 0 ? (text, null) : (text[..slash], text[(slash + 1)..]);
        if (!IPAddress.TryParse(addressText, out var address)) return null;
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefixText is null) return (address, bits);
        return int.TryParse(prefixText, out var prefix) && prefix >= 0 && prefix <= bits ? (address, prefix) : null;
    }

    private static bool Contains(IPAddress network, int prefix, IPAddress address)
    {
        if (network.AddressFamily != address.AddressFamily) return false;
        var (a, b) = (network.GetAddressBytes(), address.GetAddressBytes());
        for (var i = 0; i < a.Length && prefix > 0; i++, prefix -= 8)
        {
            var mask = prefix >= 8 ? 0xFF : (byte)(0xFF << (8 - prefix));
            if ((a[i] & mask) != (b[i] & mask)) return false;
        }
        return true;
    }
}
