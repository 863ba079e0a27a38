using System.Globalization;
using System.Threading.RateLimiting;
using Itsm.Api.Access;
using Itsm.Api.Problems;
using Itsm.Domain.Organisation;
using Microsoft.AspNetCore.RateLimiting;

namespace Itsm.Api.RateLimits;

/// <summary>
/// Requests per caller as a token bucket (<c>RateLimits:{PermitsPerSecond, Burst}</c>, default 50/s with bursts of 100):
/// an authenticated caller by user, whether by API key or single sign-on; anyone else by client address. Integrations
/// raising tickets have a tighter bucket of their own (<c>RateLimits:IntegrationCreates</c>, default 5/s, bursts of 20),
/// named where <c>POST /tickets</c> is mapped. Health probes are exempt. A refusal is a 429 problem with <c>Retry-After</c>.
/// </summary>
public static class CallerLimits
{
    public const string IntegrationCreates = "IntegrationCreates";

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        // Read when the middleware starts, from the final configuration.
        services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            var perCaller = Bucket(configuration.GetSection("RateLimits"), permitsPerSecond: 50, burst: 100);
            var integrationCreates = Bucket(configuration.GetSection("RateLimits:IntegrationCreates"), permitsPerSecond: 5, burst: 20);
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(Partition(context), _ => perCaller));
            o.AddPolicy(IntegrationCreates, context => Caller(context) is { } caller && caller.Has(Role.Integration)
                ? RateLimitPartition.GetTokenBucketLimiter(caller.UserId, _ => integrationCreates)
                : RateLimitPartition.GetNoLimiter(""));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>After authentication, so that a caller is limited as one user across keys, tokens and addresses.</summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    private static string Partition(HttpContext context) =>
        Caller(context) is { } caller ? "user:" + caller.UserId : "address:" + context.Connection.RemoteIpAddress;

    private static Actor? Caller(HttpContext context) => context.User.Identities.OfType<ActorIdentity>().FirstOrDefault()?.Caller;

    /// <summary>
    /// A bucket of <c>Burst</c> permits refilled at <c>PermitsPerSecond</c>: whole permits each second, or one permit per
    /// period when the rate is below one a second (0.01: one permit every 100 s).
    /// </summary>
    private static TokenBucketRateLimiterOptions Bucket(IConfiguration section, double permitsPerSecond, int burst)
    {
        permitsPerSecond = section.GetValue("PermitsPerSecond", permitsPerSecond);
        burst = section.GetValue("Burst", burst);
        var path = (section as IConfigurationSection)?.Path;
        if (!(permitsPerSecond > 0) || burst < 1)
            throw new InvalidOperationException($"{path}: PermitsPerSecond must be above 0 and Burst at least 1.");
        var (tokens, period) = permitsPerSecond >= 1
            ? ((int)Math.Round(permitsPerSecond), TimeSpan.FromSeconds(1))
            : (1, TimeSpan.FromSeconds(1 / permitsPerSecond));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst, TokensPerPeriod = tokens, ReplenishmentPeriod = period, QueueLimit = 0, AutoReplenishment = true,
        };
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ProblemResults.Write(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "too-many-requests", "Too many requests",
            $"You have used up your rate limit; try again in {seconds} s.");
    }
}
