using Itsm.Infrastructure.Accounts;
using Itsm.Infrastructure.Configuration;
using Itsm.Infrastructure.Inspections;
using Itsm.Infrastructure.Organisation;
using Itsm.Infrastructure.Reports;
using Itsm.Infrastructure.Sla;
using Itsm.Infrastructure.Sql;

namespace Itsm.Api.Storage;

/// <summary>
/// Migrates the database (and seeds the demo organisation where configured) before the server starts. A database
/// that does not answer keeps the process up: readiness and the API report 503 while this keeps trying in the
/// background. A migration that fails stops the service with the script's name and error.
/// </summary>
public sealed class DatabasePreparation(
    Migrator migrator, DemoData demoData, InspectionDemo inspectionDemo, AccountDemo accountDemo, ConfigurationDemo configurationDemo, InspectionOptions inspections,
    ReportDemo reportDemo, ReportOptions reports, SlaStore sla, Itsm.Infrastructure.Tickets.TicketStore tickets, TimeProvider clock, DatabaseOptions options, DatabaseState state,
    IHostApplicationLifetime lifetime, ILogger<DatabasePreparation> logger) : IHostedLifecycleService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (await TryPrepareAsync(cancellationToken)) return;
        _retrying = Task.Run(() => RetryUntilPreparedAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RetryUntilPreparedAsync(CancellationToken ct)
    {
        try
        {
            // On the injected clock, so a test decides when the next attempt happens instead of racing it.
            do await Task.Delay(options.ReconnectInterval, clock, ct);
            while (!await TryPrepareAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (MigrationFailedException)
        {
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    /// <returns>False when the database could not be reached (try again later); throws when a migration fails.</returns>
    private async Task<bool> TryPrepareAsync(CancellationToken ct)
    {
        try
        {
            await migrator.MigrateAsync(ct);
            // Tickets from before the search index: indexed once, before anyone can search (later ones are indexed as written).
            if (await tickets.IndexUnindexedAsync(ct) is > 0 and var indexed) logger.LogInformation("Indexed {Count} tickets for search", indexed);
            await sla.EnsureDefaultsAsync(clock.GetUtcNow(), ct);
            if (options.SeedsDemoData && await demoData.SeedIfEmptyAsync(ct))
            {
                if (inspections.DemoPlan) await inspectionDemo.SeedAsync(ct);
                await accountDemo.SeedAsync(ct);
                await configurationDemo.SeedAsync(ct);
                if (reports.DemoHistory) await reportDemo.SeedAsync(ct);
            }
            state.Prepared();
            logger.LogInformation("Database ready ({Provider})", options.Provider);
            return true;
        }
        catch (MigrationFailedException e)
        {
            logger.LogCritical(e, "Start-up stopped: {Reason}", e.Message);
            state.NotPrepared(e.Message);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var reason = $"The database cannot be reached ({options.Provider}): {e.Message}";
            logger.LogWarning("{Reason} Trying again in {Interval}.", reason, options.ReconnectInterval);
            state.NotPrepared(reason);
            return false;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
