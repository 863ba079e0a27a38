// The account register at scale, against the published service on a fresh SQLite file: a CSV import of 100,000
// accounts, the first and a deep page of the register (all accounts, and dormant ones), and a CSV export of all
// 100,000 while the server's peak resident memory is watched.
// Usage: bench/accounts.sh (publishes the service, then runs this with the published Itsm.Api.dll) [accounts]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

var dll = args.Length > 0 ? args[0] : throw new ArgumentException("usage: AccountBench <published Itsm.Api.dll> [accounts]");
var count = args.Length > 1 ? int.Parse(args[1]) : 100_000;
const string Base = "http://127.0.0.1:5097";
var directory = Path.Combine(Path.GetTempPath(), "itsm-accountbench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(directory);

var start = new ProcessStartInfo("dotnet", [dll, "--urls", Base]) { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
start.Environment["ConnectionStrings__Itsm"] = $"Data Source={Path.Combine(directory, "itsm.db")}";
start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
start.Environment["Database__SeedDemoData"] = "true";
start.Environment["Accounts__SchedulerEnabled"] = "false";
// One client sends its requests back to back: the per-caller limits would measure themselves.
start.Environment["RateLimits__PermitsPerSecond"] = "1000000";
start.Environment["RateLimits__Burst"] = "1000000";
using var server = Process.Start(start)!;
server.OutputDataReceived += (_, _) => { };
server.ErrorDataReceived += (_, _) => { };
server.BeginOutputReadLine();
server.BeginErrorReadLine();
using var http = new HttpClient { BaseAddress = new Uri(Base), Timeout = TimeSpan.FromMinutes(5) };
http.DefaultRequestHeaders.Add("X-Api-Key", "demo-js-itmanager");
try
{
    for (var i = 0; ; i++)
    {
        try { if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) break; } catch (HttpRequestException) { }
        if (i > 240 || server.HasExited) throw new InvalidOperationException("the service did not become ready");
        await Task.Delay(500);
    }

    var now = DateTimeOffset.UtcNow;
    var surnames = "张王李刘陈杨赵黄周吴徐孙马朱胡郭何高林罗";
    var csv = new StringBuilder("login,holder,department,roles,status,lastUsedAt\n");
    for (var i = 0; i < count; i++)
    {
        // Every fifth account is idle for 200+ days: dormant.
        var used = i % 5 == 0 ? now.AddDays(-200 - i % 100) : now.AddDays(-(i % 90));
        csv.Append($"u{i:D7},{surnames[i % surnames.Length]}{surnames[(i / 20) % surnames.Length]}{i % 97},财务部,GL-CLERK;REPORT-VIEWER,Active,{used:yyyy-MM-ddTHH:mm:ssZ}\n");
    }
    var body = csv.ToString();
    var watch = Stopwatch.StartNew();
    var import = await http.PostAsync("/api/v1/systems/HR/accounts:import", new StringContent(body, new UTF8Encoding(false), "text/csv"));
    var importSeconds = watch.Elapsed.TotalSeconds;
    if (!import.IsSuccessStatusCode) throw new InvalidOperationException($"import: {(int)import.StatusCode} {await import.Content.ReadAsStringAsync()}");
    Console.WriteLine($"import of {count:N0} accounts ({body.Length / 1024.0 / 1024:F1} MB of CSV): {importSeconds:F2} s (target < 10 s)");

    string Cursor(string login) => Convert.ToBase64String(Encoding.UTF8.GetBytes("l1:" + login)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    var deepLogin = $"u{count * 9 / 10:D7}";
    // A dormant page's cursor carries the idle instant: follow the listing (longest idle first) to 90 % of the dormant accounts.
    string? dormantCursor = null;
    for (var walked = 0; walked < count / 5 * 9 / 10;)
    {
        var page = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(
            "/api/v1/systems/HR/accounts?dormant=true&limit=200" + (dormantCursor is null ? "" : "&cursor=" + dormantCursor)))!;
        walked += page["items"]!.AsArray().Count;
        dormantCursor = page["nextCursor"]?.GetValue<string>() ?? throw new InvalidOperationException("fewer dormant accounts than expected");
    }
    var pages = new (string Name, string Path)[]
    {
        ("first page", "/api/v1/systems/HR/accounts?limit=25"),
        ("deep page (90 %)", $"/api/v1/systems/HR/accounts?limit=25&cursor={Cursor(deepLogin)}"),
        ("dormant, first page", "/api/v1/systems/HR/accounts?dormant=true&limit=25"),
        ("dormant, deep page (90 %)", $"/api/v1/systems/HR/accounts?dormant=true&limit=25&cursor={dormantCursor}"),
    };
    // The pages take turns, request by request: a neighbour's load that comes and goes weighs on each page alike.
    foreach (var (_, path) in pages)
        for (var i = 0; i < 20; i++) (await http.GetAsync(path)).EnsureSuccessStatusCode();
    var times = pages.ToDictionary(p => p.Name, _ => new List<double>());
    for (var round = 0; round < 300; round++)
        foreach (var (name, path) in pages)
        {
            var one = Stopwatch.StartNew();
            var page = await http.GetAsync(path);
            await page.Content.ReadAsByteArrayAsync();
            page.EnsureSuccessStatusCode();
            times[name].Add(one.Elapsed.TotalMilliseconds);
        }
    var medians = new Dictionary<string, double>();
    foreach (var (name, _) in pages)
    {
        var sorted = times[name].Order().ToList();
        medians[name] = sorted[sorted.Count / 2];
        Console.WriteLine($"{name}: p50 {sorted[sorted.Count / 2]:F2} ms, p90 {sorted[sorted.Count * 9 / 10]:F2} ms");
    }
    Console.WriteLine($"deep / first: {medians["deep page (90 %)"] / medians["first page"]:F2}×; dormant deep / first: " +
                      $"{medians["dormant, deep page (90 %)"] / medians["dormant, first page"]:F2}×; dormant first / first: " +
                      $"{medians["dormant, first page"] / medians["first page"]:F2}× (target ≤ 1.5×)");

    GC.Collect();
    await Task.Delay(1000);
    File.WriteAllText($"/proc/{server.Id}/clear_refs", "5"); // resets the peak (VmHWM) to the current resident size
    var before = Kb("VmRSS");
    var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/systems/HR/accounts");
    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
    watch.Restart();
    using var export = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    await using var stream = await export.Content.ReadAsStreamAsync();
    var buffer = new byte[81920];
    long bytes = 0, lines = 0;
    int read;
    while ((read = await stream.ReadAsync(buffer)) > 0)
    {
        bytes += read;
        for (var i = 0; i < read; i++) if (buffer[i] == '\n') lines++;
    }
    var peak = Kb("VmHWM");
    Console.WriteLine($"CSV export: {lines - 1:N0} accounts, {bytes / 1024.0 / 1024:F1} MB in {watch.Elapsed.TotalSeconds:F2} s; server RSS {before / 1024.0:F0} MB before, " +
                      $"peak {peak / 1024.0:F0} MB: growth {(peak - before) / 1024.0:F1} MB (target < 50 MB)");
}
finally
{
    server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    try { Directory.Delete(directory, true); } catch (IOException) { }
}

long Kb(string field) => long.Parse(File.ReadLines($"/proc/{server.Id}/status").First(l => l.StartsWith(field + ":")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
