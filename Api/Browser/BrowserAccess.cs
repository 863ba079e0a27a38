using Itsm.Api.Access;
using Itsm.Api.Idempotency;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace Itsm.Api.Browser;

/// <summary>
/// Cross-origin access for a browser front-end served from another origin: only the origins listed in
/// <c>Cors:AllowedOrigins</c> (none by default, so nothing changes until they are configured). Callers authenticate with a
/// header (API key or bearer token), never a cookie, so credentials are not allowed. A browser may send the headers the
/// actions need (<c>If-Match</c>, <c>If-None-Match</c>, <c>Idempotency-Key</c>) and read the ones it needs back (<c>ETag</c>,
/// <c>Location</c>, <c>Retry-After</c>, <c>Link</c>, <c>Content-Disposition</c>). Responses to an allowed origin vary by <c>Origin</c>.
/// </summary>
public static class BrowserAccess
{
    public const string Section = "Cors";

    /// <summary>The request headers the service reads beside the CORS-safelisted ones.</summary>
    public static readonly string[] RequestHeaders =
    [
        HeaderNames.ContentType, HeaderNames.Authorization, ApiKeyAuthentication.Header, HeaderNames.IfMatch, HeaderNames.IfNoneMatch,
        IdempotencyMiddleware.Header,
    ];

    /// <summary>The response headers a script may read beside the CORS-safelisted ones.</summary>
    public static readonly string[] ExposedHeaders =
    [
        HeaderNames.ETag, HeaderNames.Location, HeaderNames.RetryAfter, HeaderNames.Link, "Idempotent-Replayed",
        // A download's file name, for a front-end that saves it under that name.
        HeaderNames.ContentDisposition,
    ];

    public static IServiceCollection AddBrowserAccess(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IConfiguration>((o, configuration) => o.AddDefaultPolicy(policy => policy
            .WithOrigins(AllowedOrigins(configuration))
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete)
            .WithHeaders(RequestHeaders)
            .WithExposedHeaders(ExposedHeaders)
            .SetPreflightMaxAge(configuration.GetValue($"{Section}:PreflightMaxAge", TimeSpan.FromMinutes(10)))));
        return services;
    }

    /// <summary>Before authentication and rate limits: a preflight carries no credentials, and a refusal (401, 429) must
    /// still carry the CORS headers for the page to read its problem.</summary>
    public static IApplicationBuilder UseBrowserAccess(this IApplicationBuilder app)
    {
        var allowsAny = AllowedOrigins(app.ApplicationServices.GetRequiredService<IConfiguration>()).Length > 0;
        if (allowsAny)
            app.Use((context, next) =>
            {
                // Whether the CORS headers are sent depends on Origin (even with one origin allowed, where the framework
                // leaves Vary out): a shared cache must not hand one origin's answer to another.
                if (context.Request.Headers.ContainsKey(HeaderNames.Origin))
                    context.Response.OnStarting(() =>
                    {
                        if (!context.Response.Headers.Vary.Any(v => v is not null && v.Split(',').Any(p => p.Trim().Equals(HeaderNames.Origin, StringComparison.OrdinalIgnoreCase))))
                            context.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Origin);
                        return Task.CompletedTask;
                    });
                return next(context);
            });
        return app.UseCors();
    }

    /// <summary>Each entry is an origin (<c>https://helpdesk.example.com</c>: scheme, host and port, no path); a malformed one
    /// stops the service at start rather than silently allowing nothing.</summary>
    private static string[] AllowedOrigins(IConfiguration configuration)
    {
        var origins = configuration.GetSection($"{Section}:AllowedOrigins").Get<string[]>() ?? [];
        foreach (var origin in origins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.GetLeftPart(UriPartial.Authority) != origin.TrimEnd('/') || origin.EndsWith('/'))
                throw new InvalidOperationException(
                    $"Cors:AllowedOrigins: '{origin}' is not an origin (scheme, host and optional port, without a path or trailing slash).");
        return origins;
    }
}
