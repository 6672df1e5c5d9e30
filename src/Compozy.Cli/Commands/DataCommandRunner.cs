using System.CommandLine;
using System.Data.Common;
using Compozy.Cli.Configuration;
using Compozy.Cli.Hosting;
using Compozy.Data.Audit;
using Compozy.Data.Entities;
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
internal static partial class DataCommandRunner
{
    public static async Task<int> RunAsync(
        ParseResult parseResult,
        CliConsole console,
        ConfigurationFlags flags,
        DatabaseAccess access,
        Func<IServiceProvider, LoadedConfiguration, CancellationToken, Task<int>> action,
        CancellationToken cancellationToken,
        CliAudit? audit = null)
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
                return await RunAuditedAsync(provider, audit, async () =>
                {
                    if (access == DatabaseAccess.Write)
                    {
                        await provider.GetRequiredService<DatabaseStartupChecks>().EnsurePassedAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return await action(provider, loaded, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
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

    /// <summary>
    /// Runs the command and, when it is an administrative action, records how it ended; then, when
    /// the entry reached the database, replays what the fallback file holds from an earlier outage.
    /// </summary>
    private static async Task<int> RunAuditedAsync(IServiceProvider services, CliAudit? audit, Func<Task<int>> run)
    {
        if (audit is null)
        {
            return await run().ConfigureAwait(false);
        }

        var log = services.GetRequiredService<IAuditLog>();
        var actor = AuditActors.ForCli();
        int exitCode;
        try
        {
            exitCode = await run().ConfigureAwait(false);
        }
        catch (Exception exception) when (audit.RecordsFailures && exception is not (MigrationTargetException or BackupInputException or DatabaseIntegrityException)
            && DamageFound(services, exception) is null)
        {
            // A flag refused before anything was touched is not an action, as a flag refused while
            // parsing is not (and recording it would create a database that does not exist); a
            // damaged database is left byte for byte as it was, so its refusal is not written into it.
            await RecordAsync(services, log, AuditOutcomes.Of(exception, actor, audit.Action, audit.Target) with { Details = Details(audit) }).ConfigureAwait(false);
            throw;
        }

        var outcome = audit.Outcome ?? (exitCode == ExitCodes.Success ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        var reason = audit.Reason ?? (outcome == AuditOutcome.Succeeded ? null : $"exit code {exitCode}");
        await RecordAsync(services, log, new AuditEntry(actor, audit.Action, audit.Target, outcome, reason, Details(audit))).ConfigureAwait(false);
        return exitCode;
    }

    private static Dictionary<string, string>? Details(CliAudit audit) => audit.Details.Count == 0 ? null : audit.Details;

    private static async Task RecordAsync(IServiceProvider services, IAuditLog log, AuditEntry entry)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Compozy.Cli");
        try
        {
            var recorded = await log.RecordAsync(entry, CancellationToken.None).ConfigureAwait(false);
            if (!recorded.InFallback && log.PendingFallbackEntries() > 0)
            {
                await log.ReplayAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is CompozyDataException or IOException or UnauthorizedAccessException or DbException or InvalidOperationException)
        {
            // The command's own outcome stands: the audit log reports what it could not do itself (events 7402, 7405).
            LogAuditNotCompleted(logger, entry.Action, exception.Message);
        }
    }

    [LoggerMessage(EventId = 7407, Level = LogLevel.Warning, Message = "audit entry of {Action}: {Error}")]
    private static partial void LogAuditNotCompleted(ILogger logger, string action, string error);

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
