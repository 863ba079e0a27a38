namespace Itsm.Api.Tests.Setup;

public static class Repository
{
    /// <summary>The checkout's root: the folder holding Itsm.sln above the test binaries.</summary>
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Itsm.sln"))) return directory.FullName;
        throw new InvalidOperationException("Itsm.sln not found above " + AppContext.BaseDirectory);
    }
}
