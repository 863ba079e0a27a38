using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Infrastructure.Outbox;
using Itsm.Infrastructure.Sla;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Integrations;

/// <summary>Background jobs' leases: short, renewed, released on a graceful stop, and visible to IT managers.</summary>
[TestFixture]
public sealed class LeaseTests
{
    private ItsmApp _app = null!;

    [SetUp]
    public void Start() => _app = new ItsmApp();

    [TearDown]
    public void Stop() => _app.Dispose();

    private OutboxDispatcher NewDispatcher() => ActivatorUtilities.CreateInstance<OutboxDispatcher>(_app.Services);

    [Test]
    public async Task OutboxLease_ReleasedByAGracefulStop_IsTakenAtOnceByTheNextInstance()
    {
        var first = NewDispatcher();
        Assert.That((await first.RunPassAsync(CancellationToken.None)).Leased, Is.True);
        var second = NewDispatcher();
        Assert.That((await second.RunPassAsync(CancellationToken.None)).Leased, Is.False, "held by the first");

        await first.ReleaseLeaseAsync(CancellationToken.None);

        Assert.That((await second.RunPassAsync(CancellationToken.None)).Leased, Is.True, "no wait after a release");
    }

    [Test]
    public async Task OutboxLease_OfACrashedInstance_IsTakenOverOnceItExpires()
    {
        Assert.That((await NewDispatcher().RunPassAsync(CancellationToken.None)).Leased, Is.True);
        var next = NewDispatcher();

        _app.Clock.Advance(TimeSpan.FromSeconds(19));
        Assert.That((await next.RunPassAsync(CancellationToken.None)).Leased, Is.False, "still within the 20 s lease");
        _app.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That((await next.RunPassAsync(CancellationToken.None)).Leased, Is.True, "taken over within 30 s of the crash");
    }

    [Test]
    public async Task OutboxLease_RenewedByItsHolder_IsNotTakenOver()
    {
        var holder = NewDispatcher();
        var other = NewDispatcher();
        for (var second = 0; second < 60; second += 5)
        {
            Assert.That((await holder.RunPassAsync(CancellationToken.None)).Leased, Is.True);
            Assert.That((await other.RunPassAsync(CancellationToken.None)).Leased, Is.False, $"at {second} s");
            _app.Clock.Advance(TimeSpan.FromSeconds(5));
        }
    }

    [Test]
    public async Task SlaLease_ReleasedByItsHolder_IsTakenAtOnce()
    {
        var first = ActivatorUtilities.CreateInstance<SlaScheduler>(_app.Services);
        var second = ActivatorUtilities.CreateInstance<SlaScheduler>(_app.Services);
        Assert.That((await first.RunPassAsync(CancellationToken.None)).Leased, Is.True);
        Assert.That((await second.RunPassAsync(CancellationToken.None)).Leased, Is.False);

        await first.ReleaseLeaseAsync(CancellationToken.None);

        Assert.That((await second.RunPassAsync(CancellationToken.None)).Leased, Is.True);
    }

    [Test]
    public async Task HostStop_ReleasesTheLeasesOfItsJobs()
    {
        var directory = Path.Combine(Path.GetTempPath(), "itsm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Itsm"] = $"Data Source={Path.Combine(directory, "itsm.db")}" };
        using (var before = new ItsmApp(settings))
        {
            before.CreateClient().Dispose();
            await before.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);
            await before.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None);
        }

        using var after = new ItsmApp(settings);
        using var manager = after.As(Keys.HqItManager);
        var leases = (await manager.GetJsonAsync("/api/v1/integrations/outbox"))["leases"]!.AsArray();

        var held = leases.Where(l => l!["holder"] is not null).Select(l => l!["job"]!.GetValue<string>());
        Assert.That(held, Has.No.Member("outbox").And.No.Member("sla"), "released by the stopped instance (its retention purge's lease is the new one's)");
        Assert.That((await after.Services.GetRequiredService<SlaScheduler>().RunPassAsync(CancellationToken.None)).Leased, Is.True);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, true);
    }

    [Test]
    public async Task OutboxMetrics_ShowEachLeasesHolderAndExpiry()
    {
        await _app.Services.GetRequiredService<OutboxDispatcher>().RunPassAsync(CancellationToken.None);
        using var manager = _app.As(Keys.HqItManager);

        var leases = (await manager.GetJsonAsync("/api/v1/integrations/outbox"))["leases"]!.AsArray().ToDictionary(l => l!["job"]!.GetValue<string>());

        Assert.That(leases.Keys, Is.SupersetOf(new[] { "outbox", "retention", "sla" }));
        Assert.That(leases["outbox"]!["holder"]!.GetValue<string>(), Does.StartWith(Environment.MachineName));
        Assert.That(leases["outbox"]!["expiresAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(_app.Clock.GetUtcNow().AddSeconds(20)));
        Assert.That(leases["sla"]!["holder"], Is.Null);
    }
}
