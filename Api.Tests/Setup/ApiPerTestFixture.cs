namespace Itsm.Api.Tests.Setup;

/// <summary>A fixture whose tests each get their own service on a fresh database, with the JS cast of <see cref="Given"/>.</summary>
public abstract class ApiPerTestFixture
{
    protected ItsmApp _app = null!;
    protected Given _given = null!;

    [SetUp]
    public void StartApp() => _given = new Given(_app = new ItsmApp());

    [TearDown]
    public void StopApp()
    {
        _given.Dispose();
        _app.Dispose();
    }
}
