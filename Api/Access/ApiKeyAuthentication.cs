using System.Security.Claims;
using System.Text.Encodings.Web;
using Itsm.Api.Problems;
using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Itsm.Api.Access;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header. Keys are looked up by their SHA-256; a found key is cached for
/// <c>Auth:KeyCacheSeconds</c> (default 60), so revoking a key takes effect on every instance within that time.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    OrganisationStore organisation, IMemoryCache cache, IConfiguration configuration, FailedAuthentications failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
            return AuthenticateResult.NoResult();

        var key = values.ToString();
        var cacheKey = "apikey:" + ApiKeyHash.Of(key);
        if (!cache.TryGetValue(cacheKey, out Actor? actor))
        {
            actor = await organisation.FindActorByKeyAsync(key, Context.RequestAborted);
            if (actor is null)
            {
                failures.Record(Context.Connection.RemoteIpAddress);
                return AuthenticateResult.Fail("The API key is not valid.");
            }
            var cacheFor = TimeSpan.FromSeconds(configuration.GetValue("Auth:KeyCacheSeconds", 60));
            if (cacheFor > TimeSpan.Zero) cache.Set(cacheKey, actor, cacheFor);
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ActorIdentity(actor!)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var hasKey = Request.Headers.ContainsKey(Header);
        var signOn = SingleSignOn.IsConfigured(configuration);
        // Every scheme the service accepts is offered, so a client that only knows bearer tokens learns it may send one.
        Response.Headers.WWWAuthenticate = signOn
            ? new Microsoft.Extensions.Primitives.StringValues([$"{SchemeName} header=\"{Header}\"", "Bearer"])
            : $"{SchemeName} header=\"{Header}\"";
        return ProblemResults.Write(Context, StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required",
            hasKey ? "The API key in X-Api-Key is not valid or has been revoked."
            : signOn ? "Send a bearer token from the organisation's sign-on in the Authorization header, or an API key in X-Api-Key."
            : SingleSignOn.HasBearerToken(Request) ? "This service does not accept bearer tokens (single sign-on is not configured); send your API key in the X-Api-Key header."
            : "Send your API key in the X-Api-Key header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemResults.Write(Context, StatusCodes.Status403Forbidden, "forbidden", "Forbidden", "Your roles do not permit this operation.");
}

/// <summary>The authenticated caller, carried on the request's principal.</summary>
public sealed class ActorIdentity(Actor actor, string scheme = ApiKeyAuthentication.SchemeName) : ClaimsIdentity(
    [new Claim(ClaimTypes.NameIdentifier, actor.UserId), new Claim(ClaimTypes.Name, actor.Name), .. actor.Roles.Select(r => new Claim(ClaimTypes.Role, r.ToString()))],
    scheme)
{
    public Actor Caller { get; } = actor;
}

public static class ActorExtensions
{
    public static Actor Actor(this ClaimsPrincipal user) =>
        user.Identities.OfType<ActorIdentity>().FirstOrDefault()?.Caller
        ?? throw new InvalidOperationException("The endpoint requires authentication but no caller was authenticated.");

    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddItsmPolicies();
        return services;
    }
}
