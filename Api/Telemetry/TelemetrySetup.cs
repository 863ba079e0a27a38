using Itsm.Infrastructure.Telemetry;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Itsm.Api.Telemetry;

/// <summary>
/// Traces, metrics and logs for operators. The service always measures (meter <c>Itsm</c>, activity source
/// <c>Itsm.Database</c>, ASP.NET Core's and HttpClient's own); OpenTelemetry collects only when something is to receive it:
/// OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (traces, metrics and logs, configured by the standard <c>OTEL_*</c>
/// variables), a Prometheus scrape endpoint at <c>/metrics</c> when <c>Telemetry:Prometheus</c> is true.
/// </summary>
public static class TelemetrySetup
{
    public const string ScrapePath = "/metrics";

    /// <summary>ASP.NET Core's and HttpClient's own meters (what their instrumentation packages add): request durations,
    /// active requests, connections, outgoing request durations.</summary>
    private static readonly string[] BuiltInMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting", "System.Net.Http", "System.Net.NameResolution",
    ];

    public static WebApplicationBuilder AddItsmTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<OutboxGauges>();
        // With the JSON console formatter, each line carries its scope: the trace and span ids of the request it belongs to.
        builder.Services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);

        var otlp = OtlpConfigured(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r =>
            {
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"])) r.AddService("itsm");
            })
            // The exporter is always registered, but nothing is collected unless a receiver is configured. The Prometheus switch
            // is read from the finished configuration (sources added after this point, e.g. a test host's, count too).
            .WithMetrics(m => ((IDeferredMeterProviderBuilder)m.AddPrometheusExporter()).Configure((services, metrics) =>
            {
                if (otlp || PrometheusEnabled(services.GetRequiredService<IConfiguration>()))
                    metrics.AddMeter([ItsmMetrics.MeterName, .. BuiltInMeters]);
            }));
        if (otlp)
            telemetry
                .WithTracing(t => t
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments(ScrapePath))
                    .AddHttpClientInstrumentation()
                    .AddSource(DatabaseActivities.SourceName))
                .UseOtlpExporter();
        return builder;
    }

    /// <summary>The scrape endpoint, when enabled: anonymous like the health endpoints (an operator's, not the API's; keep it
    /// on the internal network) and not part of the API's contract.</summary>
    public static IEndpointRouteBuilder MapItsmTelemetry(this IEndpointRouteBuilder app)
    {
        if (PrometheusEnabled(app.ServiceProvider.GetRequiredService<IConfiguration>()))
            app.MapPrometheusScrapingEndpoint(ScrapePath).AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        return app;
    }

    private static bool OtlpConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    private static bool PrometheusEnabled(IConfiguration configuration) => configuration.GetValue("Telemetry:Prometheus", false);
}
