using Compozy.Data.Configuration;
using Compozy.Data.Migrations;
using Compozy.Data.Providers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Startup;

/// <summary>
/// Brings the database to a state the host can serve from, before it serves: runs the provider's
/// startup checks (<see cref="DatabaseStartupChecks"/>), then applies pending migrations (<c>auto_migrate</c>) or refuses to start when
/// any are pending, then runs the checks that need the current schema
/// (<see cref="ISchemaStartupCheck"/>), then logs one <c>store initialized</c> line.
/// </summary>
public sealed partial class DatabaseInitializer(
    MigrationRunner migrations,
    IConfiguredDatabaseProvider provider,
    IOptions<CompozyDataOptions> options,
    DatabaseStartupChecks startupChecks,
    IEnumerable<ISchemaStartupCheck> schemaChecks,
    ConfigurationWarnings configurationWarnings,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    /// <summary>Whether initialization finished; readiness reports unready until then.</summary>
    public bool IsInitialized { get; private set; }

    /// <inheritdoc />
    /// <exception cref="PendingMigrationsException">Migrations are pending and <c>auto_migrate</c> is off.</exception>
    /// <exception cref="NewerSchemaException">A newer build applied migrations this build does not know.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogConfigurationWarnings(configurationWarnings.Warnings);

        await startupChecks.EnsurePassedAsync(cancellationToken).ConfigureAwait(false);

        MigrationStatus status;
        if (options.Value.Database.AutoMigrate)
        {
            await migrations.UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            status = await migrations.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            status = await migrations.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            if (!status.IsCurrent)
            {
                throw new PendingMigrationsException(status.Pending);
            }
        }

        NewerSchemaException.ThrowIfAny(status);

        foreach (var check in schemaChecks)
        {
            await check.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        LogStoreInitialized(provider.Driver, provider.Description, status.Applied.Count, status.Migrations.Count);
        IsInitialized = true;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "store initialized: driver={Driver} {Description}; schema at {Applied}/{Total} migrations")]
    private partial void LogStoreInitialized(string driver, string description, int applied, int total);
}
