using System.Security.Claims;
using Itsm.Api.Problems;
using Itsm.Infrastructure.Organisation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace Itsm.Api.Access;

/// <summary>
/// Single sign-on beside API keys: a bearer token (JWT) from the organisation's OpenID Connect identity provider,
/// configured by <c>Auth:Oidc:{Authority, Audience, UserClaim, RequireHttpsMetadata}</c>. The token only names the user
/// (by <c>UserClaim</c>, default <c>preferred_username</c>); roles, unit and groups come from this service's user record,
/// so the identity provider needs no knowledge of them. Without an authority only API keys are accepted.
/// </summary>
public static partial class SingleSignOn
{
    public const string SchemeName = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>The default scheme when single sign-on is on: a bearer token goes to <see cref="SchemeName"/>, anything else to the API key.</summary>
    public const string CallerScheme = "Caller";

    public const string DefaultUserClaim = "preferred_username";

    /// <summary>Signatures with a public key only: an HMAC (HS256) token would need a secret shared with every client, and <c>none</c> is no signature.</summary>
    private static readonly string[] AcceptedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["Auth:Oidc:Authority"]);

    /// <summary>
    /// The bearer scheme and the policy scheme that picks by header. Both are always registered and read their settings when
    /// first used (configuration may be completed after registration); without an authority no request is sent to the bearer scheme.
    /// </summary>
    public static IServiceCollection AddSingleSignOn(this IServiceCollection services)
    {
        services.AddScoped<SingleSignOnEvents>();
        services.AddAuthentication(o => o.DefaultScheme = CallerScheme)
            .AddPolicyScheme(CallerScheme, "API key or bearer token", o => o.ForwardDefaultSelector = context =>
                HasBearerToken(context.Request) && IsConfigured(context.RequestServices.GetRequiredService<IConfiguration>())
                    ? SchemeName : ApiKeyAuthentication.SchemeName)
            .AddJwtBearer(SchemeName, o =>
            {
                o.MapInboundClaims = false;
                o.EventsType = typeof(SingleSignOnEvents);
                o.TokenValidationParameters.ValidAlgorithms = AcceptedAlgorithms;
            });
        services.AddOptions<JwtBearerOptions>(SchemeName)
            .Configure<IConfiguration, TimeProvider>((o, configuration, clock) =>
            {
                var oidc = configuration.GetSection("Auth:Oidc");
                o.Authority = oidc["Authority"] is { Length: > 0 } authority ? authority : null;
                o.Audience = oidc["Audience"];
                o.RequireHttpsMetadata = oidc.GetValue("RequireHttpsMetadata", true);
                // Token lifetimes are judged by the service's clock, like everything else that depends on time.
                o.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, parameters) => WithinLifetime(clock, notBefore, expires, parameters.ClockSkew);
            })
            .Validate(o => o.Authority is null || !string.IsNullOrWhiteSpace(o.Audience),
                "Auth:Oidc:Audience is required when Auth:Oidc:Authority is set: it is the audience (client id) the identity provider puts in tokens for this service.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>The Authorization header names the Bearer scheme (with a token or not, whatever whitespace follows).</summary>
    public static bool HasBearerToken(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString().AsSpan().TrimStart();
        var end = value.IndexOfAny(' ', '\t');
        return (end < 0 ? value : value[..end]).Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The user id a claim names: ASCII letters lower-cased and nothing else changed, so that a lookalike (the Kelvin sign
    /// for K) or a padded name at the identity provider is never folded into another person's id. Null when the claim is
    /// not an id this service could have given (see <see cref="Admin.Codes.UserPattern"/>).
    /// </summary>
    public static string? UserIdOf(string claimed)
    {
        var id = string.Create(claimed.Length, claimed, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++) span[i] = char.IsAsciiLetterUpper(s[i]) ? (char)(s[i] | 0x20) : s[i];
        });
        return UserId().IsMatch(id) ? id : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(Admin.Codes.UserPattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex UserId();

    private static bool WithinLifetime(TimeProvider clock, DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (expires is null) throw new SecurityTokenNoExpirationException("The token has no expiry.");
        if (notBefore is { } from && from > now + skew)
            throw new SecurityTokenNotYetValidException($"The token is valid from {from:O}.") { NotBefore = from };
        if (expires < now - skew)
            throw new SecurityTokenExpiredException($"The token expired at {expires:O}.") { Expires = expires.Value };
        return true;
    }
}

/// <summary>
/// Turns a validated token into the caller it names, counts invalid tokens like invalid API keys, and answers every
/// refusal as a problem: 401 for a token that is not valid, 403 for a valid token that names no person of this service,
/// 503 while the identity provider's keys cannot be fetched.
/// </summary>
public sealed class SingleSignOnEvents(OrganisationStore organisation, IMemoryCache cache, IConfiguration configuration, FailedAuthentications failures)
    : JwtBearerEvents
{
    public override async Task MessageReceived(MessageReceivedContext context)
    {
        // Fetch (or take the cached) discovery document and keys first, so an unreachable identity provider is a 503, not an error.
        if (context.Options.ConfigurationManager is not { } metadata) return;
        try
        {
            await metadata.GetConfigurationAsync(context.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.Fail(new IdentityProviderUnavailable(e));
        }
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var claim = configuration["Auth:Oidc:UserClaim"] is { Length: > 0 } configured ? configured : SingleSignOn.DefaultUserClaim;
        var values = context.Principal?.FindAll(claim).Select(c => c.Value).ToList() ?? [];
        if (values.Count != 1 || string.IsNullOrWhiteSpace(values[0]))
        {
            context.Fail(new SignOnRefused("unknown-user", $"The token must have exactly one '{claim}' claim, which names the user of this service."));
            return;
        }
        if (context.SecurityToken is Microsoft.IdentityModel.JsonWebTokens.JsonWebToken { } jwt && jwt.TryGetHeaderValue<object>("crit", out _))
        {
            // RFC 7515 §4.1.11: a token that lists critical extensions this service does not implement must be refused.
            context.Fail(new CriticalExtensionsRefused());
            return;
        }
        // User ids are lower-case ASCII: the same token names the same user on either database, whatever its collation.
        if (SingleSignOn.UserIdOf(values[0]) is not { } userId)
        {
            var named = values[0].Length > 100 ? values[0][..100] + "…" : values[0];
            context.Fail(new SignOnRefused("unknown-user",
                $"The token names '{named}' ({claim}), which is not a user id of this service (letters, digits, '.', '_' and '-'); an IT manager must add the user first."));
            return;
        }

        var cacheKey = "sso:" + userId;
        if (!cache.TryGetValue(cacheKey, out SignOnUser? user))
        {
            user = await organisation.FindSignOnUserAsync(userId, context.HttpContext.RequestAborted);
            var cacheFor = TimeSpan.FromSeconds(configuration.GetValue("Auth:KeyCacheSeconds", 60));
            if (user is not null && cacheFor > TimeSpan.Zero) cache.Set(cacheKey, user, cacheFor);
        }
        var shown = userId.Length > 100 ? userId[..100] + "…" : userId;
        if (user is null)
            context.Fail(new SignOnRefused("unknown-user",
                $"The token names '{shown}' ({claim}), who is not a user of this service: an IT manager must add the user first."));
        else if (user.IsIntegration)
            // An account at the identity provider must not gain an integration's powers by sharing its name.
            context.Fail(new SignOnRefused("integration-sign-on",
                $"'{shown}' is an integration of this service; integrations authenticate with an API key, not by single sign-on."));
        else
            context.Principal = new ClaimsPrincipal(new ActorIdentity(user.Caller, SingleSignOn.SchemeName));
    }

    public override Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        // A token that is not valid counts like a wrong API key; a database fault is not the caller's failure (it becomes a 503).
        if (context.Exception is SecurityTokenException or ArgumentException or AggregateException)
            failures.Record(context.HttpContext.Connection.RemoteIpAddress);
        return Task.CompletedTask;
    }

    public override Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        switch (context.AuthenticateFailure)
        {
            case SignOnRefused refused:
                return ProblemResults.Write(http, StatusCodes.Status403Forbidden, refused.Name, "Not a user of this service", refused.Message);
            case IdentityProviderUnavailable:
                http.Response.Headers.RetryAfter = "30";
                return ProblemResults.Write(http, StatusCodes.Status503ServiceUnavailable, "identity-provider-unavailable", "Identity provider unavailable",
                    "The identity provider's signing keys cannot be fetched now, so bearer tokens cannot be checked; API keys still work. Try again shortly.");
            default:
                http.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
                return ProblemResults.Write(http, StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required", Describe(context.AuthenticateFailure));
        }
    }

    public override Task Forbidden(ForbiddenContext context) =>
        ProblemResults.Write(context.HttpContext, StatusCodes.Status403Forbidden, "forbidden", "Forbidden", "Your roles do not permit this operation.");

    private static string Describe(Exception? failure) => failure switch
    {
        null => "Send a bearer token from the organisation's sign-on in the Authorization header, or an API key in X-Api-Key.",
        SecurityTokenExpiredException => "The bearer token has expired: sign in again.",
        SecurityTokenNotYetValidException => "The bearer token is not valid yet.",
        SecurityTokenNoExpirationException => "The bearer token has no expiry.",
        SecurityTokenInvalidAudienceException => "The bearer token was issued for another audience.",
        SecurityTokenInvalidIssuerException => "The bearer token was not issued by the identity provider this service trusts.",
        SecurityTokenInvalidAlgorithmException => "The bearer token is signed with an algorithm this service does not accept.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The bearer token's signature is not valid.",
        CriticalExtensionsRefused refused => refused.Message,
        _ => "The bearer token is not valid.",
    };

    /// <summary>A valid token that names no person of this service (403, not 401: signing in again would not help).</summary>
    private sealed class SignOnRefused(string name, string detail) : Exception(detail)
    {
        public string Name { get; } = name;
    }

    /// <summary>A token that lists critical header extensions ('crit'), none of which this service implements (RFC 7515 §4.1.11): 401.</summary>
    private sealed class CriticalExtensionsRefused()
        : SecurityTokenException("The bearer token names critical header extensions ('crit') this service does not implement.");

    private sealed class IdentityProviderUnavailable(Exception inner) : Exception("The identity provider's metadata cannot be fetched.", inner);
}
