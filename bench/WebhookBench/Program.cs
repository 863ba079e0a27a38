// Webhook delivery at scale, in one process: a local receiver on 127.0.0.1, the service's stores and dispatcher on a
// fresh SQLite file. (1) Throughput: N events waiting, delivered as fast as the dispatcher goes. (2) Lag: tickets
// created by 32 concurrent writers for a while, the dispatcher running every 250 ms; the receiver measures the time
// from each change's commit to its arrival.
// (3) Fairness: one receiver answering after 10 s and 50 healthy ones, tickets raised at a steady rate, the dispatcher
// running every second as the service's does; the lag of the healthy deliveries.
// Usage: dotnet run -c Release --project bench/WebhookBench [events] [loadSeconds] [fairCreatesPerSecond]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Itsm.Domain.Organisation;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Hq;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Tickets;
using Itsm.Infrastructure.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

var events = args.Length > 0 ? int.Parse(args[0]) : 5_000;
var loadSeconds = args.Length > 1 ? int.Parse(args[1]) : 20;
var fairRate = args.Length > 2 ? int.Parse(args[2]) : 20;

// The receiver: answers 204 and notes how long each event took to arrive.
var lags = new ConcurrentBag<double>();
var received = 0;
var receiver = WebApplication.CreateSlimBuilder();
receiver.Logging.ClearProviders();
receiver.WebHost.UseUrls("http://127.0.0.1:0");
var app = receiver.Build();
app.MapPost("/hook", async (HttpRequest request) =>
{
    using var json = await JsonDocument.ParseAsync(request.Body);
    lags.Add((DateTimeOffset.UtcNow - json.RootElement.GetProperty("occurredAt").GetDateTimeOffset()).TotalMilliseconds);
    Interlocked.Increment(ref received);
    return Results.NoContent();
});
// (3)'s receivers: 50 healthy paths, and one that answers after 10 s.
var healthyLags = new ConcurrentBag<double>();
var (healthyReceived, slowReceived) = (0, 0);
app.MapPost("/healthy/{n:int}", async (HttpRequest request) =>
{
    using var json = await JsonDocument.ParseAsync(request.Body);
    healthyLags.Add((DateTimeOffset.UtcNow - json.RootElement.GetProperty("occurredAt").GetDateTimeOffset()).TotalMilliseconds);
    Interlocked.Increment(ref healthyReceived);
    return Results.NoContent();
});
app.MapPost("/slow", async () =>
{
    await Task.Delay(TimeSpan.FromSeconds(10));
    Interlocked.Increment(ref slowReceived);
    return Results.NoContent();
});
await app.StartAsync();
var url = app.Urls.First() + "/hook";

var directory = Path.Combine(Path.GetTempPath(), "itsm-webhookbench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(directory);
var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(directory, "itsm.db")}" });
await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
await new DemoData(database, NullLogger<DemoData>.Instance).SeedIfEmptyAsync();
var clock = TimeProvider.System;
var sla = new SlaStore(database);
await sla.EnsureDefaultsAsync(clock.GetUtcNow(), CancellationToken.None);
var engine = new SlaEngine(sla, clock);
var tickets = new TicketStore(database, sla);
var changes = new TicketChanges(database, tickets, sla, engine, clock);
var organisation = new OrganisationStore(database);
var webhooks = new WebhookStore(database);
var single = (await webhooks.CreateAsync("JS", "/HQ/JS/", url, ["ticket.created"], "bench", clock.GetUtcNow(), int.MaxValue, CancellationToken.None))!.Value;
using var http = new HttpClient(WebhookTargets.Handler(allowInsecure: true)) { Timeout = TimeSpan.FromSeconds(10) };
var leases = new Itsm.Infrastructure.Hosting.JobLeases(database, clock, Options.Create(new Itsm.Infrastructure.Hosting.LeaseOptions()));
var dispatcher = new OutboxDispatcher(database, leases, sla, new WebhookSender(http), new HqClient(new HttpClient()), clock,
    Options.Create(new OutboxOptions()), Options.Create(new HqOptions()), NullLogger<OutboxDispatcher>.Instance);
var health = new DeliveryHealth(database, leases);

var requester = new Actor("js-requester", "JS requester", "JS", "/HQ/JS/", new HashSet<Role> { Role.Requester }, new HashSet<string>());
var unit = (await organisation.FindUnitAsync("JS", CancellationToken.None))!;
var system = (await organisation.FindSystemAsync("ERP", CancellationToken.None))!;
var matrix = await organisation.PriorityMatrixAsync(CancellationToken.None);
async Task CreateAsync(int i)
{
    var (ticket, _) = Ticket.Raise(new TicketRequest($"Benchmark {i}", "d", Category.ApplicationProblem, Impact.Individual, Urgency.Medium),
        requester, unit, system, matrix, clock.GetUtcNow());
    var context = await engine.ContextAsync(null, CancellationToken.None);
    await changes.RaiseAsync(ticket!, context, CancellationToken.None);
}

// (1) Throughput.
await Task.WhenAll(Enumerable.Range(0, 32).Select(async w => { for (var i = w; i < events; i += 32) await CreateAsync(i); }));
var watch = Stopwatch.StartNew();
while (received < events && watch.Elapsed < TimeSpan.FromMinutes(5)) await dispatcher.RunPassAsync(CancellationToken.None);
watch.Stop();
Console.WriteLine($"Throughput: {received:N0} deliveries in {watch.Elapsed.TotalSeconds:F2} s = {received / watch.Elapsed.TotalSeconds:N0}/s (target ≥ 500/s)");

// (2) Lag under a create load.
lags.Clear();
received = 0;
var created = 0;
var (failedAttempts, passes) = (0, 0);
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(loadSeconds));
var load = Task.WhenAll(Enumerable.Range(0, 32).Select(async w =>
{
    while (!stop.IsCancellationRequested) await CreateAsync(Interlocked.Increment(ref created));
}));
var dispatching = Task.Run(async () =>
{
    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
    while (await timer.WaitForNextTickAsync() && (!load.IsCompleted || received < created))
        try { var pass = await dispatcher.RunPassAsync(CancellationToken.None); failedAttempts += pass.Failed; passes++; }
        catch (Exception e) { Console.WriteLine("pass failed: " + e.Message); }
});
await load;
var drained = Stopwatch.StartNew();
while (received < created && drained.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(100);
Console.WriteLine($"(created {created:N0}, received {received:N0}, drained {drained.Elapsed.TotalSeconds:F1} s after the load stopped; {passes} passes, {failedAttempts} failed attempts)");
var metrics = (await health.ForScopeAsync("/HQ/", clock.GetUtcNow(), CancellationToken.None)).Outbox;
Console.WriteLine($"(outbox: {metrics})");
var sorted = lags.OrderBy(l => l).ToList();
double Percentile(double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
Console.WriteLine($"Under load: {created / (double)loadSeconds:N0} creates/s for {loadSeconds} s with 32 writers; {sorted.Count:N0} deliveries; " +
                  $"lag p50 {Percentile(0.50):N0} ms, p99 {Percentile(0.99):N0} ms, max {sorted[^1]:N0} ms (target p99 < 2,000 ms)");
Console.WriteLine($"Peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MB");

// (3) Fairness.
await dispatching;
await webhooks.DeleteAsync(single.Subscription.Id, CancellationToken.None);
var baseUrl = app.Urls.First();
await webhooks.CreateAsync("JS", "/HQ/JS/", baseUrl + "/slow", ["ticket.created"], "bench", clock.GetUtcNow(), int.MaxValue, CancellationToken.None);
for (var n = 0; n < 50; n++)
    await webhooks.CreateAsync("JS", "/HQ/JS/", $"{baseUrl}/healthy/{n}", ["ticket.created"], "bench", clock.GetUtcNow(), int.MaxValue, CancellationToken.None);
var fairCreated = 0;
using var fairStop = new CancellationTokenSource(TimeSpan.FromSeconds(loadSeconds));
var steady = Task.Run(async () =>
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / fairRate));
    while (!fairStop.IsCancellationRequested && await timer.WaitForNextTickAsync()) await CreateAsync(1_000_000 + Interlocked.Increment(ref fairCreated));
});
var fairPasses = 0;
var fairDispatching = Task.Run(async () =>
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
    do
    {
        try { await dispatcher.RunPassAsync(CancellationToken.None); fairPasses++; }
        catch (Exception e) { Console.WriteLine("pass failed: " + e.Message); }
    } while (healthyReceived < fairCreated * 50 || !steady.IsCompleted ? await timer.WaitForNextTickAsync() : false);
});
await steady;
var fairDrained = Stopwatch.StartNew();
while (healthyReceived < fairCreated * 50 && fairDrained.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(100);
var healthy = healthyLags.OrderBy(l => l).ToList();
double HealthyPercentile(double p) => healthy[Math.Min(healthy.Count - 1, (int)(p * healthy.Count))];
Console.WriteLine($"Fairness: {fairCreated:N0} tickets at {fairRate}/s for {loadSeconds} s, 50 healthy receivers and one answering after 10 s; " +
                  $"{healthyReceived:N0} of {fairCreated * 50:N0} healthy deliveries (drained {fairDrained.Elapsed.TotalSeconds:F1} s after the load), " +
                  $"{slowReceived} answered by the slow one; {fairPasses} passes");
Console.WriteLine($"Healthy lag p50 {HealthyPercentile(0.50):N0} ms, p99 {HealthyPercentile(0.99):N0} ms, max {healthy[^1]:N0} ms (target p99 < 2,000 ms)");
await fairDispatching.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });

await app.StopAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(directory, true);
