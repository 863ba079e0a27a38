// Attachment upload and download through the real service on Kestrel (127.0.0.1), in one process with its client, on a
// fresh SQLite file and attachment directory. A file of N MiB (default 50) is streamed from disk as multipart, then
// downloaded into a SHA-256 sink; each is repeated R times (default 3). Reported: throughput, the bytes the whole process
// allocated during each transfer (client and server: GC.GetTotalAllocatedBytes) and the growth of its resident set
// (peak sampled every 10 ms, minus the resident set before). A file held in memory would allocate at least its own size.
// Usage: dotnet run -c Release --project bench/AttachmentBench [sizeMiB] [repeats]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;

var sizeMiB = args.Length > 0 ? int.Parse(args[0]) : 50;
var repeats = args.Length > 1 ? int.Parse(args[1]) : 3;
const long MiB = 1024 * 1024;

var directory = Path.Combine(Path.GetTempPath(), "itsm-attachmentbench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(directory);
var settings = new Dictionary<string, string?>
{
    ["ConnectionStrings:Itsm"] = $"Data Source={Path.Combine(directory, "itsm.db")}",
    ["Database:SeedDemoData"] = "true",
    ["Attachments:MaxFileBytes"] = (sizeMiB * MiB + MiB).ToString(),
    ["Attachments:MaxTicketBytes"] = ((repeats + 2) * (sizeMiB + 1) * MiB).ToString(),
    ["Attachments:MaxFilesPerUpload"] = "1",
    ["Sla:SchedulerEnabled"] = "false", ["Inspections:SchedulerEnabled"] = "false", ["Outbox:Enabled"] = "false", ["Retention:Enabled"] = "false",
    ["RateLimits:PermitsPerSecond"] = "1000000", ["RateLimits:Burst"] = "1000000",
    ["Logging:LogLevel:Default"] = "Warning",
};
// The service's content root (the factory would look for a folder named after its assembly).
var root = new DirectoryInfo(AppContext.BaseDirectory);
while (!File.Exists(Path.Combine(root.FullName, "Itsm.sln"))) root = root.Parent ?? throw new InvalidOperationException("Run from the repository.");
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ITSM_API", Path.Combine(root.FullName, "Api"));
// Any type of the service's assembly names its entry point (this file's own Program would shadow the service's).
using var factory = new WebApplicationFactory<Itsm.Api.Attachments.UploadSizeLimit>().WithWebHostBuilder(b =>
{
    b.UseEnvironment("Production");
    foreach (var (key, value) in settings) b.UseSetting(key, value);
});
factory.UseKestrel(0);
factory.StartServer();
var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "localhost");
using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };
http.DefaultRequestHeaders.Add("X-Api-Key", "demo-js-requester");

var created = await http.PostAsync("/api/v1/tickets", JsonContent("""
    {"system":"ERP","category":"ApplicationProblem","title":"Posting fails","description":"Screenshots attached","impact":"Individual","urgency":"Low"}
    """));
created.EnsureSuccessStatusCode();
var ticket = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();

// The file: a PNG signature, then random bytes (nothing compresses or deduplicates).
var file = Path.Combine(directory, "screen.png");
await using (var output = File.Create(file))
{
    var chunk = new byte[MiB];
    for (var i = 0; i < sizeMiB; i++)
    {
        RandomNumberGenerator.Fill(chunk);
        if (i == 0) new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(chunk, 0);
        await output.WriteAsync(chunk);
    }
}

await TransferAsync(await CreateSmallAsync()); // warm-up: JIT, connection, database
Console.WriteLine($"Attachment upload/download of {sizeMiB} MiB, {repeats} times (whole process: client + service)");
Console.WriteLine($"{"run",-4} {"upload MiB/s",13} {"alloc MiB",10} {"RSS +MiB",9} | {"download MiB/s",15} {"alloc MiB",10} {"RSS +MiB",9}");
for (var run = 1; run <= repeats; run++)
{
    // A fresh file each run (the store keeps equal bytes once): flip one byte past the signature.
    await using (var patch = new FileStream(file, FileMode.Open, FileAccess.Write)) { patch.Position = 100; patch.WriteByte((byte)run); }
    var (up, down) = await TransferAsync(file);
    Console.WriteLine($"{run,-4} {up.MiBps,13:F1} {up.AllocatedMiB,10:F2} {up.RssGrowthMiB,9:F1} | {down.MiBps,15:F1} {down.AllocatedMiB,10:F2} {down.RssGrowthMiB,9:F1}");
}
factory.Dispose();
try { Directory.Delete(directory, true); } catch (IOException) { }
return;

async Task<string> CreateSmallAsync()
{
    var small = Path.Combine(directory, "small.png");
    var bytes = RandomNumberGenerator.GetBytes((int)MiB);
    new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);
    await File.WriteAllBytesAsync(small, bytes);
    return small;
}

async Task<(Measure Up, Measure Down)> TransferAsync(string path)
{
    var expected = Convert.ToHexStringLower(await SHA256.HashDataAsync(File.OpenRead(path)));
    string? id = null;
    var up = await MeasureAsync(new FileInfo(path).Length, async () =>
    {
        await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        using var form = new MultipartFormDataContent();
        var part = new StreamContent(source, 64 * 1024);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "files", Path.GetFileName(path));
        using var response = await http.PostAsync($"/api/v1/tickets/{ticket}/attachments", form);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Upload: {(int)response.StatusCode} {body}");
        var item = JsonNode.Parse(body)!["items"]![0]!;
        if (item["sha256"]!.GetValue<string>() != expected) throw new InvalidOperationException("Upload: SHA-256 differs");
        id = item["id"]!.ToString();
    });
    var down = await MeasureAsync(new FileInfo(path).Length, async () =>
    {
        using var response = await http.GetAsync($"/api/v1/tickets/{ticket}/attachments/{id}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0) sha.AppendData(buffer, 0, read);
        if (Convert.ToHexStringLower(sha.GetHashAndReset()) != expected) throw new InvalidOperationException("Download: SHA-256 differs");
    });
    return (up, down);
}

static async Task<Measure> MeasureAsync(long bytes, Func<Task> transfer)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    var process = Process.GetCurrentProcess();
    process.Refresh();
    var rssBefore = process.WorkingSet64;
    var peak = rssBefore;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            process.Refresh();
            peak = Math.Max(peak, process.WorkingSet64);
            try { await Task.Delay(10, sampling.Token); } catch (OperationCanceledException) { }
        }
    });
    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var watch = Stopwatch.StartNew();
    await transfer();
    watch.Stop();
    var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    sampling.Cancel();
    await sampler;
    return new Measure(bytes / (double)MiB / watch.Elapsed.TotalSeconds, allocated / (double)MiB, (peak - rssBefore) / (double)MiB);
}

static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

internal sealed record Measure(double MiBps, double AllocatedMiB, double RssGrowthMiB);
