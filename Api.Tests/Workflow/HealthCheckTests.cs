using System.Net;
using Itsm.Api.Health;
using Itsm.Api.Tests.Setup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Itsm.Api.Tests.Workflow;

/// <summary>Health through ASP.NET Core's health checks, so standard tooling (probes, publishers) reads them.</summary>
[TestFixture]
public sealed class HealthCheckTests : ApiFixture
{
    [Test]
    public void HealthChecks_AreRegistered_ReadinessWithTheDatabaseLivenessWithout()
    {
        var registrations = _app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        var database = registrations.Single(r => r.Name == "database");
        Assert.That(database.Tags, Does.Contain(HealthApi.ReadyTag).And.Not.Contain(HealthApi.LiveTag));
        Assert.That(registrations.Where(r => r.Tags.Contains(HealthApi.LiveTag)), Is.Not.Empty);
    }

    [Test]
    public async Task HealthCheckService_ReportsTheDatabaseHealthy_AndReadyAnswers200()
    {
        var report = await _app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        using var anonymous = _app.As(null);

        Assert.That(report.Entries["database"].Status, Is.EqualTo(HealthStatus.Healthy));
        var ready = await anonymous.GetJsonAsync("/health/ready");
        Assert.That(ready["status"]!.GetValue<string>(), Is.EqualTo("ready"));
        Assert.That((await anonymous.Http.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
