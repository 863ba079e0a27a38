using Itsm.Api.Tests.Setup;

namespace Itsm.Api.Tests;

/// <summary>Once for the whole run: stops the SQL Server container if one was started.</summary>
[SetUpFixture]
public sealed class TestRun
{
    [OneTimeTearDown]
    public Task StopSqlServerContainer() => TestDatabases.StopContainerAsync();
}
