using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Itsm.Api.Tests.Telemetry;

/// <summary>Traces of database units of work inside a request's trace; trace ids in JSON logs; the Prometheus scrape endpoint.</summary>
[TestFixture]
public sealed class TracesAndLogsTests
{
    [Test]
    public async Task Request_WritingAndReading_TracesEachUnitOfWorkInTheRequestsTrace()
    {
        using var app = new ItsmApp();
        using var given = new Given(app);
        var traceId = ActivityTraceId.CreateRandom();
        var seen = new ConcurrentBag<Activity>();
        // Activity sources are process-wide: only activities of this test's trace are kept.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is DatabaseActivities.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId && activity.Source.Name == DatabaseActivities.SourceName) seen.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets") { Content = JsonContent.Create(TicketClient.NewTicket()) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var response = await given.Requester.Http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var units = seen.ToList();
        var write = units.Where(a => a.GetTagItem(DatabaseActivities.KindTag) as string == DatabaseActivities.Write).ToList();
        Assert.That(write, Has.Count.EqualTo(1), "one unit of work writes the ticket");
        Assert.That(units.Any(a => a.GetTagItem(DatabaseActivities.KindTag) as string == DatabaseActivities.Read), Is.True);
        Assert.That(units.All(a => a.GetTagItem(DatabaseActivities.ProviderTag) as string == app.Provider.ToString()), Is.True);
        Assert.That(write[0].GetTagItem(DatabaseActivities.RetriesTag), Is.EqualTo(0));
        Assert.That(write[0].Duration, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(write[0].Status, Is.EqualTo(ActivityStatusCode.Unset));
    }

    [Test]
    public void JsonConsoleLogs_CarryTheTraceAndSpanIds()
    {
        using var app = new ItsmApp(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = "json" });

        var json = app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;
        var tracking = app.Services.GetRequiredService<IOptions<LoggerFactoryOptions>>().Value.ActivityTrackingOptions;

        Assert.That(app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName, Is.EqualTo("json"));
        Assert.That(json.IncludeScopes, Is.True, "the trace ids travel in the log's scope");
        Assert.That(tracking.HasFlag(ActivityTrackingOptions.TraceId) && tracking.HasFlag(ActivityTrackingOptions.SpanId), Is.True);
    }

    [Test]
    public async Task Metrics_WhenPrometheusIsEnabled_AreScrapedAnonymouslyAsPrometheusText()
    {
        using var app = new ItsmApp(new Dictionary<string, string?> { ["Telemetry:Prometheus"] = "true" });
        using var given = new Given(app);
        await given.Requester.CreateAsync();
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync("/metrics");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Contain("itsm_tickets_created"));
        Assert.That(text, Does.Contain("http_server_request_duration_seconds"));
    }

    [Test]
    public async Task Metrics_WhenPrometheusIsNotEnabled_AreNotFound()
    {
        using var app = new ItsmApp();
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync("/metrics");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
