using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Itsm.Samples.KiotaClient;

/// <summary>
/// Sends the caller's API key in <c>X-Api-Key</c>. Kiota's own ApiKeyAuthenticationProvider refuses plain http, which a
/// service on localhost (or behind a TLS-terminating proxy) uses.
/// </summary>
public sealed class ApiKeyHeader(string apiKey) : IAuthenticationProvider
{
    public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null,
        CancellationToken cancellationToken = default)
    {
        request.Headers.TryAdd("X-Api-Key", apiKey);
        return Task.CompletedTask;
    }
}
