// The scale seed: a fresh embedded database, migrated by the service's own migrator with the demo organisation, and N
// tickets with a year of realistic history written straight through the store layer (Infrastructure/Scale).
// Usage: dotnet run -c Release --project bench/ScaleSeed <database file> [tickets]
using System.Diagnostics;
using Dapper;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Scale;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.Logging.Abstractions;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: ScaleSeed <database file> [tickets]");
    return 2;
}
var file = Path.GetFullPath(args[0]);
var tickets = args.Length > 1 ? int.Parse(args[1]) : 100_000;
if (File.Exists(file)) throw new InvalidOperationException($"{file} exists: the seed writes a fresh database.");
Directory.CreateDirectory(Path.GetDirectoryName(file)!);

var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={file}" });
await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
await new DemoData(database, NullLogger<DemoData>.Instance).SeedIfEmptyAsync();

Console.WriteLine($"Seeding {tickets:N0} tickets into {file} …");
var lastReport = Stopwatch.StartNew();
var result = await new ScaleSeed(database).SeedAsync(tickets, DateTimeOffset.UtcNow, CancellationToken.None, written =>
{
    if (lastReport.Elapsed.TotalSeconds < 10 && written < tickets) return;
    lastReport.Restart();
    Console.WriteLine($"  {written:N0} tickets");
});
var rate = result.Tickets / result.Elapsed.TotalSeconds;
Console.WriteLine($"SEED tickets={result.Tickets} history={result.HistoryEntries} comments={result.Comments} clocks={result.Clocks} " +
                  $"seconds={result.Elapsed.TotalSeconds:F1} rate={rate:F0} lived={result.Lived} living={result.Living.TotalSeconds:F1} writing={result.Writing.TotalSeconds:F1} " +
                  $"copying={result.Copying.TotalSeconds:F1} indexing={result.Indexing.TotalSeconds:F1}");
var statuses = await database.ReadAsync(async (connection, _) =>
    (await connection.QueryAsync<(string Status, long Count)>("SELECT Status, COUNT(*) FROM Tickets GROUP BY Status ORDER BY 2 DESC")).ToList(), CancellationToken.None);
Console.WriteLine("STATUSES " + string.Join(", ", statuses.Select(s => $"{s.Status}={s.Count}")));
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Console.WriteLine($"SIZE bytes={new FileInfo(file).Length} per_ticket={new FileInfo(file).Length / (double)result.Tickets:F0}");
Console.WriteLine($"Peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MB");
return 0;
