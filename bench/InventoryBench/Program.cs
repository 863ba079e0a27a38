// The configuration inventory at scale, through the API in process (no network): a 20,000-row CSV import of ERP for
// Jiangsu, then the first page of the list against a deep one (the cursor ~19,000 items in), each timed over many
// sequential requests, and the CSV export of all of it.
// Usage: dotnet run -c Release --project bench/InventoryBench [rows] [requests]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Itsm.Bench.Inventory;

// A class of its own: the service's entry point is the top-level Program this benchmark hosts.
internal static class InventoryBench
{
    public static async Task Main(string[] args)
    {
        var rows = args.Length > 0 ? int.Parse(args[0]) : 20_000;
        var requests = args.Length > 1 ? int.Parse(args[1]) : 500;
        // The host's content root: the Api folder of this checkout (a test project gets it from its build; this is no test project).
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Api", "Itsm.Api.csproj"))) root = Path.GetDirectoryName(root.TrimEnd('/'))!;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ITSM_API", Path.Combine(root, "Api"));
        var directory = Path.Combine(Path.GetTempPath(), "itsm-inventorybench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseEnvironment("Production");
                b.ConfigureAppConfiguration((_, c) => c.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionStrings:Itsm"] = $"Data Source={Path.Combine(directory, "itsm.db")}",
                    ["Database:Provider"] = "Sqlite", ["Database:SeedDemoData"] = "true",
                    ["RateLimits:PermitsPerSecond"] = "1000000", ["RateLimits:Burst"] = "1000000",
                    ["Outbox:Enabled"] = "false", ["Sla:SchedulerEnabled"] = "false", ["Inspections:SchedulerEnabled"] = "false",
                    ["Logging:LogLevel:Default"] = "Warning",
                }));
            });
            using var client = factory.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", "demo-js-itmanager");

            // Keys spread over a few families and two environments, values of a realistic length.
            var csv = new StringBuilder("key,environment,value,description\n");
            for (var i = 0; i < rows; i++)
                csv.Append($"bench.module{i % 40:D2}.setting{i:D6},{(i % 4 == 0 ? "Test" : "Production")},value {i} 参数值 {new string('x', 40)},Setting {i}\n");
            var body = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString()));
            body.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
            Console.WriteLine($"Importing {rows:N0} rows ({body.Headers.ContentLength ?? Encoding.UTF8.GetByteCount(csv.ToString()):N0} bytes) …");
            // CPU time beside the wall clock: on a shared machine the wall clock measures the neighbours too.
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var import = Stopwatch.StartNew();
            var imported = await client.PostAsync("/api/v1/systems/ERP/configuration-items:import", body);
            import.Stop();
            Console.WriteLine($"import: {(int)imported.StatusCode} {await imported.Content.ReadAsStringAsync()} in {import.Elapsed.TotalSeconds:F2} s " +
                              $"({(import.Elapsed.TotalSeconds < 10 ? "meets" : "MISSES")} < 10 s), " +
                              $"{(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:F2} s of CPU; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

            // Walk to a deep position with full pages, then time the first page against the page there.
            const string list = "/api/v1/systems/ERP/configuration-items?environment=Production&limit=50";
            string? cursor = null;
            var walked = 0;
            while (walked < rows * 3 / 4 - 500)
            {
                var page = JsonNode.Parse(await client.GetStringAsync(list.Replace("limit=50", "limit=200") + (cursor is null ? "" : "&cursor=" + cursor)))!;
                walked += page["items"]!.AsArray().Count;
                cursor = page["nextCursor"]?.GetValue<string>();
                if (cursor is null) break;
            }
            var first = await TimeAsync(client, list, requests);
            var deep = await TimeAsync(client, list + "&cursor=" + cursor, requests);
            Console.WriteLine($"first page: p50 {first.P50:F3} ms, mean {first.Mean:F3} ms over {requests} requests");
            Console.WriteLine($"deep page (after {walked:N0} items): p50 {deep.P50:F3} ms, mean {deep.Mean:F3} ms");
            var ratio = deep.P50 / first.P50;
            Console.WriteLine($"deep / first (p50): {ratio:F2}× ({(ratio <= 1.5 ? "meets" : "MISSES")} ≤ 1.5×)");

            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/systems/ERP/configuration-items");
            request.Headers.Accept.ParseAdd("text/csv");
            var export = Stopwatch.StartNew();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
            Console.WriteLine($"CSV export of every item: {bytes:N0} bytes in {export.Elapsed.TotalSeconds:F2} s");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<(double P50, double Mean)> TimeAsync(HttpClient client, string path, int count)
        {
            for (var i = 0; i < 50; i++) (await client.GetAsync(path)).EnsureSuccessStatusCode(); // warm-up
            var times = new double[count];
            for (var i = 0; i < count; i++)
            {
                var watch = Stopwatch.StartNew();
                (await client.GetAsync(path)).EnsureSuccessStatusCode();
                times[i] = watch.Elapsed.TotalMilliseconds;
            }
            Array.Sort(times);
            return (times[count / 2], times.Average());
        }

}
