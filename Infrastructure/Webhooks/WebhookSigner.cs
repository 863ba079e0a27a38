using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Itsm.Infrastructure.Webhooks;

/// <summary>
/// Standard Webhooks 1.0: <c>webhook-id</c>, <c>webhook-timestamp</c> (Unix seconds) and <c>webhook-signature</c>
/// <c>v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c> with the secret's bytes; during a rotation the old and
/// the new signature are sent, space-separated.
/// </summary>
public static class WebhookSigner
{
    public const string Prefix = "whsec_";

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string id, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(KeyOf(secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));

    /// <summary>A <c>whsec_</c> secret's bytes are its base64; any other secret is taken as text.</summary>
    private static byte[] KeyOf(string secret)
    {
        if (secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var encoded = secret[Prefix.Length..];
            var bytes = new byte[encoded.Length];
            if (Convert.TryFromBase64String(encoded, bytes, out var written)) return bytes[..written];
        }
        return Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>Checks a signature header the way a receiver does: any listed v1 signature matches, the timestamp within ±5 minutes.</summary>
    public static bool Verify(string secret, string id, string timestampHeader, string signatureHeader, string body, DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds();
        if (!long.TryParse(timestampHeader, out var timestamp) || timestamp < seconds - 300 || timestamp > seconds + 300) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, id, timestamp, body));
        return signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }
}

/// <summary>Where webhooks may go: http(s) only, and never private or loopback addresses unless allowed.</summary>
public static class WebhookTargets
{
    public static string? Problem(string url, bool allowInsecure)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return "url must be an absolute http(s) URL.";
        if (uri.IdnHost.Length > 253) return "url's host name is longer than DNS allows (253 characters).";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "url must not carry credentials.";
        if (allowInsecure) return null;
        if (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return "url must not point at this machine.";
        return IPAddress.TryParse(uri.Host, out var address) && IsPrivate(address) ? "url must not point at a private network address." : null;
    }

    /// <summary>Loopback, private (RFC 1918 / unique local), link-local, unspecified or carrier-grade NAT.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254)
               || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] == 0;
    }

    /// <summary>Connects only to allowed addresses, checked after DNS resolution (no rebinding to an internal host).</summary>
    public static SocketsHttpHandler Handler(bool allowInsecure) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, ct) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var allowed = addresses.Where(a => allowInsecure || !IsPrivate(a)).ToArray();
            if (allowed.Length == 0) throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no address webhooks may be sent to.");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
