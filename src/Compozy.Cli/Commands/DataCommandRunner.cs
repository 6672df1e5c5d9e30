using System.CommandLine;
using System.Data.Common;
using Compozy.Cli.Configuration;
using Compozy.Cli.Hosting;
using Compozy.Data.Errors;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Operations.Transfer;
using Compozy.Data.Startup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Compozy.Cli.Commands;

/// <summary>
/// Runs a command that needs the data services but no host: loads configuration, builds the
/// services, opens the database for writing when the command writes (the provider's startup
/// checks, as <c>start</c> runs them), runs, and turns failures into messages and exit codes.
/// </summary>
internal static class DataCommandRunner
{
    public static async Task<int> RunAsync(
        ParseResult parseResult,
        CliConsole console,
        ConfigurationFlags flags,
        DatabaseAccess access,
        Func<IServiceProvider, LoadedConfiguration, CancellationToken, Task<int>> action,
        CancellationToken cancellationToken)
    {
        var loaded = ConfigurationLoader.Load(parseResult, console, [flags], readServer: false);
        if (loaded is null)
        {
            return ExitCodes.InvalidConfiguration;
        }

        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddCompozyCliLogging())
            .AddCompozyData(loaded.Options, loaded.Provider, loaded.Warnings);
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("Compozy.Cli").LogConfigurationWarnings(loaded.Warnings);

            try
            {
                if (access == DatabaseAccess.Write)
                {
                    await provider.GetRequiredService<DatabaseStartupChecks>().EnsurePassedAsync(cancellationToken).ConfigureAwait(false);
                }

                return await action(provider, loaded, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (DamageFound(provider, exception) is { } damage)
            {
                await console.Error.WriteLineAsync(
                    $"compozy: the database is damaged ({damage.Code}): {exception.Message.TrimEnd('.')}; on {loaded.Provider.Description}." +
                    (access == DatabaseAccess.Read ? " This command only reads; nothing was written." : string.Empty) +
                    " See the problems with `compozy db status --check full`, then recover the database from its newest verified backup with `compozy db recover`.").ConfigureAwait(false);
                return ExitCodes.DatabaseDamaged;
            }
            catch (MigrationTargetException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }
            catch (NewerSchemaException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.SchemaNotCurrent;
            }
            catch (PendingMigrationsException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.SchemaNotCurrent;
            }
            catch (TransferRefusedException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }
            catch (MigrationFailedException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (DatabaseOperationNotSupportedException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.NotSupported;
            }
            catch (DatabaseInUseException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.DatabaseInUse;
            }
            catch (BackupInputException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }
            catch (DatabaseIntegrityException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.DatabaseDamaged;
            }
            catch (CompozyDataException exception)
            {
                await console.Error.WriteLineAsync($"compozy: {exception.Message} ({loaded.Provider.Description})").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (Exception exception) when (exception is DbException or TimeoutException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync(
                    $"compozy: database error on {loaded.Provider.Description}: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }
    }

    // A read or write that met damage the startup checks did not cover (a read-only command runs
    // none; a quick check does not compare indexes with their tables) is reported as damage, by
    // the provider's error code.
    private static DbErrorClassification? DamageFound(IServiceProvider services, Exception exception)
    {
        var classification = services.GetRequiredService<IDbErrorClassifier>().Classify(exception);
        return classification is { Kind: DbErrorKind.Corrupt } ? classification
            : exception is CompozyDataException { Kind: DbErrorKind.Corrupt } ? new DbErrorClassification(DbErrorKind.Corrupt, "corrupt")
            : null;
    }
}
