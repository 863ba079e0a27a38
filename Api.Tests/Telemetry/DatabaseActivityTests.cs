using System.Collections.Concurrent;
using System.Diagnostics;
using Itsm.Infrastructure.Sql;
using Itsm.Infrastructure.Telemetry;
using Microsoft.Data.Sqlite;

namespace Itsm.Api.Tests.Telemetry;

/// <summary>Each unit of work is one activity, whatever its retries: tagged with how many there were, and failed when it failed.</summary>
[TestFixture]
public sealed class DatabaseActivityTests
{
    private const string TestSource = "Itsm.Tests.DatabaseActivity";
    private static readonly ActivitySource Test = new(TestSource);
    private string _directory = "";
    private Database _database = null!;
    private ActivityListener _listener = null!;
    private ConcurrentBag<Activity> _units = [];
    private Activity? _parent;

    [SetUp]
    public void Start()
    {
        _directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _database = new Database(new DatabaseOptions
        {
            ConnectionString = $"Data Source={Path.Combine(_directory, "traced.db")}", MaxRetries = 3, RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        });
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is TestSource or DatabaseActivities.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            // Activity sources are process-wide: keep only this test's units (children of its own parent activity).
            ActivityStopped = a =>
            {
                if (a.Source.Name == DatabaseActivities.SourceName && _parent is not null && a.TraceId == _parent.TraceId) _units.Add(a);
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _units = [];
        Activity.Current = null; // a trace of this test's own
        _parent = Test.StartActivity("test");
    }

    [TearDown]
    public async Task Stop()
    {
        _parent?.Dispose();
        _listener.Dispose();
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, true);
    }

    [Test]
    public async Task WriteRetriedTwice_IsOneActivityTaggedWithTwoRetries()
    {
        var attempts = 0;

        await _database.WriteAsync((_, _, _) => ++attempts < 3 ? throw new SqliteException("database is locked", 5) : Task.FromResult(1), CancellationToken.None);

        var unit = _units.Single();
        Assert.That((unit.GetTagItem(DatabaseActivities.KindTag), unit.GetTagItem(DatabaseActivities.ProviderTag), unit.GetTagItem(DatabaseActivities.RetriesTag)),
            Is.EqualTo((DatabaseActivities.Write, "Sqlite", 2)));
        Assert.That(unit.ParentSpanId, Is.EqualTo(_parent!.SpanId));
        Assert.That(unit.Status, Is.EqualTo(ActivityStatusCode.Unset));
    }

    [Test]
    public async Task ReadThatKeepsFailing_IsOneFailedActivityWithEveryRetry()
    {
        var read = _database.ReadAsync<int>((_, _) => throw new SqliteException("database is locked", 5), CancellationToken.None);
        Assert.That(await Task.WhenAny(read), Is.SameAs(read));
        Assert.That(read.Exception?.InnerException, Is.InstanceOf<DatabaseUnavailableException>());

        var unit = _units.Single();
        Assert.That((unit.GetTagItem(DatabaseActivities.KindTag), unit.GetTagItem(DatabaseActivities.RetriesTag)), Is.EqualTo((DatabaseActivities.Read, 3)));
        Assert.That(unit.Status, Is.EqualTo(ActivityStatusCode.Error));
    }
}
