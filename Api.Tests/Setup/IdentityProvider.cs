using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Itsm.Api.Tests.Setup;

/// <summary>
/// An OpenID Connect identity provider played by WireMock.Net: a discovery document and the JWKS with one RSA signing
/// key, and tokens signed with it (or forged in the ways an attacker would try).
/// </summary>
public sealed class IdentityProvider : IDisposable
{
    public const string Audience = "itsm-api";
    public const string KeyId = "itsm-test-key";

    private readonly RSA _key = RSA.Create(2048);
    private readonly WireMockServer _server = WireMockServer.Start();

    public IdentityProvider()
    {
        var publicKey = _key.ExportParameters(false);
        _server.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBodyAsJson(new
            {
                issuer = Issuer,
                jwks_uri = Issuer + "/jwks",
                authorization_endpoint = Issuer + "/authorize",
                token_endpoint = Issuer + "/token",
                id_token_signing_alg_values_supported = new[] { "RS256" },
            }));
        _server.Given(Request.Create().WithPath("/jwks").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBodyAsJson(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64UrlEncoder.Encode(publicKey.Modulus), e = Base64UrlEncoder.Encode(publicKey.Exponent) },
                },
            }));
    }

    public string Issuer => _server.Url!;

    /// <summary>The service's settings for this provider (plain http: it is a local fake).</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Auth:Oidc:Authority"] = Issuer,
        ["Auth:Oidc:Audience"] = Audience,
        ["Auth:Oidc:RequireHttpsMetadata"] = "false",
    };

    /// <summary>A token for <paramref name="user"/>, valid from <paramref name="issuedAt"/> for <paramref name="lifetime"/> (10 minutes).</summary>
    public string TokenFor(string user, DateTimeOffset issuedAt, TimeSpan? lifetime = null, string audience = Audience, string? issuer = null,
        string claim = "preferred_username", SigningCredentials? signedWith = null, IDictionary<string, object>? header = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { [claim] = user, ["sub"] = "idp-" + user },
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = (issuedAt + (lifetime ?? TimeSpan.FromMinutes(10))).UtcDateTime,
            AdditionalHeaderClaims = header,
            SigningCredentials = signedWith ?? new SigningCredentials(new RsaSecurityKey(_key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        });

    /// <summary>Signed with another RSA key that claims to be the provider's.</summary>
    public static SigningCredentials ImpostorKey => new(new RsaSecurityKey(RSA.Create(2048)) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256);

    /// <summary>HS256 with the provider's public modulus as the shared secret: the classic algorithm-confusion forgery.</summary>
    public SigningCredentials PublicKeyAsHmacSecret =>
        new(new SymmetricSecurityKey(_key.ExportParameters(false).Modulus) { KeyId = KeyId }, SecurityAlgorithms.HmacSha256);

    /// <summary>The same claims with <c>alg: none</c> and no signature.</summary>
    public string UnsignedTokenFor(string user, DateTimeOffset issuedAt)
    {
        var signed = TokenFor(user, issuedAt).Split('.');
        return Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + signed[1] + ".";
    }

    public static HttpRequestMessage Get(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _key.Dispose();
    }
}
