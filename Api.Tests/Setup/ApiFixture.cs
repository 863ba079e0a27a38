namespace Itsm.Api.Tests.Setup;

/// <summary>A fixture whose tests share one service on a fresh database, with the JS cast of <see cref="Given"/>.</summary>
public abstract class ApiFixture
{
    protected ItsmApp _app = null!;
    protected Given _given = null!;

    [OneTimeSetUp]
    public void StartApp() => _given = new Given(_app = new ItsmApp());

    [OneTimeTearDown]
    public void StopApp()
    {
        _given.Dispose();
        _app.Dispose();
    }
}
