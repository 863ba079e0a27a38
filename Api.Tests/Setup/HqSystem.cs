using System.Security.Cryptography;
using System.Text;

namespace Itsm.Api.Tests.Setup;

/// <summary>The HQ system's side of the callbacks: events signed the Standard Webhooks way with its own HMAC code.</summary>
public static class HqSystem
{
    public const string CallbackSecret = "whsec_dGhpcyBpcyB0aGUgaHEgY2FsbGJhY2sgc2VjcmV0IGZvciB0ZXN0cw==";

    /// <summary>Sends <paramref name="body"/> as HQ's integration key, signed with <paramref name="secret"/> at <paramref name="at"/>.</summary>
    public static async Task<HttpResponseMessage> SendsAsync(ItsmApp app, object body, string? id = null, string secret = CallbackSecret,
        DateTimeOffset? at = null)
    {
        using var hq = app.As(Keys.HqIntegration);
        var json = System.Text.Json.JsonSerializer.Serialize(body);
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = (at ?? app.Clock.GetUtcNow()).ToUnixTimeSeconds();
        using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
        var signature = "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{id}.{timestamp}.{json}")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/integrations/hq/events") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString());
        request.Headers.Add("webhook-signature", signature);
        return await hq.Http.SendAsync(request);
    }
}
