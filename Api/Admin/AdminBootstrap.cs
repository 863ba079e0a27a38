using Itsm.Domain.Organisation;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Sql;

namespace Itsm.Api.Admin;

/// <summary>
/// <c>bootstrap-admin</c>: the first API key of a new installation. Migrates the database, creates the root unit if the
/// organisation is empty, adds an IT manager there and prints a new key for them (once). Run it where the service is
/// installed: whoever can run it can already read the configuration.
/// </summary>
public static class AdminBootstrap
{
    public const string Command = "bootstrap-admin";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        var options = Parse(args);
        var unitId = options.GetValueOrDefault("--unit", "HQ");
        var userId = options.GetValueOrDefault("--user", "hq-admin");
        await services.GetRequiredService<Migrator>().MigrateAsync();
        var organisation = services.GetRequiredService<OrganisationStore>();
        var admin = services.GetRequiredService<OrganisationAdmin>();

        var unit = await organisation.FindUnitAsync(unitId, CancellationToken.None);
        // Headquarters is the root of the tree: a unit that does not exist becomes the root only of an empty organisation.
        if (unit is null && await admin.AddRootUnitAsync(unitId, options.GetValueOrDefault("--unit-name", "Headquarters"), CancellationToken.None) != AdminOutcome.Done)
        {
            var root = await organisation.RootUnitAsync(CancellationToken.None);
            Console.Error.WriteLine($"Unit '{unitId}' does not exist, and the organisation already has its root unit (headquarters) '{root?.Id}': " +
                                    "there is only one root. Name an existing unit with --unit (e.g. --unit " + root?.Id + "); add new units below the root through the API.");
            return 2;
        }
        await admin.AddUserAsync(new NewUser(userId, options.GetValueOrDefault("--name", "Administrator"), unitId, false, [Role.ItManager], []), CancellationToken.None);
        var key = await admin.IssueKeyAsync(userId, "bootstrap", Command, DateTimeOffset.UtcNow, CancellationToken.None);
        Console.WriteLine($"API key for {userId} (ItManager of {unitId}), shown once: {key.Key}");
        return 0;
    }

    private static Dictionary<string, string> Parse(string[] args) =>
        args.Skip(1).Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
}
