using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Compozy.Cli.Configuration;
using Compozy.Data.Audit;
using Compozy.Data.Configuration;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Persistence.Conventions;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Cli.Commands;

/// <summary><c>compozy db status|maintenance|backup|restore|recover|export|import|prune</c>: operator commands on the configured database.</summary>
internal static class DbCommand
{

    public static Command Create(CliConsole console, ConfigurationFlags flags)
    {
        var db = new Command("db", "Inspect and maintain the configured database.");
        db.Subcommands.Add(CreateStatus(console, flags));
        db.Subcommands.Add(CreateMaintenance(console, flags));
        db.Subcommands.Add(CreateBackup(console, flags));
        db.Subcommands.Add(CreateRestore(console, flags));
        db.Subcommands.Add(CreateRecover(console, flags));
        db.Subcommands.Add(DbTransferCommands.CreateExport(console, flags));
        db.Subcommands.Add(DbTransferCommands.CreateImport(console, flags));
        db.Subcommands.Add(CreatePrune(console, flags));
        return db;
    }

    private static Command CreatePrune(CliConsole console, ConfigurationFlags flags)
    {
        var olderThan = new Option<string?>("--older-than") { Description = "Required. Delete finished workflow executions last updated longer ago than this (for example 30d, 12h or 90m).", HelpName = "DURATION" };
        var status = new Option<string?>("--status")
        {
            Description = $"Only executions in these finished statuses, separated by commas. Default: {string.Join(",", PruneRequest.TerminalStatusNames)}.",
            HelpName = "LIST",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be deleted; change nothing (reads only, safe next to a running host)." };
        var batchSize = new Option<string?>("--batch-size")
        {
            Description = string.Create(CultureInfo.InvariantCulture, $"Workflow executions deleted per write transaction. Default: {PruneRequest.DefaultBatchSize}."),
            HelpName = "N",
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var prune = new Command("prune", "Delete finished workflow executions older than --older-than, with their tasks and usage rows, in short batches, then return the space (SQLite incremental vacuum, PostgreSQL VACUUM (ANALYZE)).")
        {
            olderThan, status, dryRun, batchSize, json,
        };
        prune.SetAction(async (parseResult, cancellationToken) =>
        {
            var request = await ReadPruneRequestAsync(console, parseResult.GetValue(olderThan), parseResult.GetValue(status), parseResult.GetValue(batchSize), parseResult.GetValue(dryRun)).ConfigureAwait(false);
            if (request is null)
            {
                return ExitCodes.InvalidConfiguration;
            }

            // A dry run only reads, so it runs no startup check and never waits for a host's writer;
            // it changes nothing, so it is not an action to audit.
            var audit = request.DryRun ? null : new CliAudit(AuditActions.DatabasePrune);
            return await DataCommandRunner.RunAsync(parseResult, console, flags, request.DryRun ? DatabaseAccess.Read : DatabaseAccess.Write, async (services, loaded, token) =>
            {
                var report = await services.GetRequiredService<IDatabasePrune>().PruneAsync(request, token).ConfigureAwait(false);
                Describe(audit, report, "workflows", "tasks", "usage_rows", "cutoff");
                await PrintAsync(console.Out, loaded, report, parseResult.GetValue(json)).ConfigureAwait(false);
                return ExitCodes.Success;
            }, cancellationToken, audit).ConfigureAwait(false);
        });
        return prune;
    }

    private static async Task<PruneRequest?> ReadPruneRequestAsync(CliConsole console, string? olderThan, string? status, string? batchSize, bool dryRun)
    {
        var ageType = CoreConfigurationKeys.RetentionOlderThan.Type;
        if (olderThan is null)
        {
            await console.Error.WriteLineAsync($"compozy: --older-than is required; allowed: {ageType.Allowed}").ConfigureAwait(false);
            return null;
        }

        if (!ageType.TryParse(olderThan, out var age, out var ageReason))
        {
            await console.Error.WriteLineAsync($"compozy: --older-than: \"{olderThan}\" {ageReason}; allowed: {ageType.Allowed}").ConfigureAwait(false);
            return null;
        }

        var statusType = CoreConfigurationKeys.RetentionStatuses.Type;
        object? statuses = PruneRequest.TerminalStatusNames.ToArray();
        if (status is not null && !statusType.TryParse(status, out statuses, out var statusReason))
        {
            await console.Error.WriteLineAsync($"compozy: --status: \"{status}\" {statusReason}; allowed: {statusType.Allowed} (running, pending, waiting and paused executions are never pruned)").ConfigureAwait(false);
            return null;
        }

        var batchType = ConfigurationValueType.WholeNumber(1, PruneRequest.MaxBatchSize);
        object? batch = PruneRequest.DefaultBatchSize;
        if (batchSize is not null && !batchType.TryParse(batchSize, out batch, out var batchReason))
        {
            await console.Error.WriteLineAsync($"compozy: --batch-size: \"{batchSize}\" {batchReason}; allowed: {batchType.Allowed}").ConfigureAwait(false);
            return null;
        }

        return new PruneRequest
        {
            OlderThan = (TimeSpan)age!,
            Statuses = [.. ((string[])statuses!).Select(name => StoredNames.TryParse<ExecutionStatus>(name, out var parsed) ? parsed : throw new InvalidOperationException($"{name} is not a status"))],
            DryRun = dryRun,
            BatchSize = (int)batch!,
        };
    }

    private static Command CreateBackup(CliConsole console, ConfigurationFlags flags)
    {
        var output = new Option<string?>("--out")
        {
            Description = "A new file, or a directory (existing, or ending in /) to write a time-stamped file into. Default: database.sqlite.backup.dir, else backups/ beside the database.",
            HelpName = "FILE|DIR",
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var backup = new Command("backup", "Write a consistent copy of the live SQLite database (VACUUM INTO, no writer lock: a running host keeps writing), check it with integrity_check, then give it its name (mode 0600). On PostgreSQL, says which server tools to use.")
        {
            output, json,
        };
        backup.SetAction((parseResult, cancellationToken) =>
        {
            var audit = new CliAudit(AuditActions.DatabaseBackup, parseResult.GetValue(output));
            return DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Read, async (services, loaded, token) =>
            {
                var report = await services.GetRequiredService<IDatabaseBackup>().BackupAsync(
                    new DatabaseBackupRequest { Destination = parseResult.GetValue(output), Progress = new StderrBackupProgress(console.Error) },
                    token).ConfigureAwait(false);
                audit.Target = report["path"]?.ToString() ?? audit.Target;
                Describe(audit, report, "bytes");
                await PrintAsync(console.Out, loaded, report, parseResult.GetValue(json)).ConfigureAwait(false);
                return ExitCodes.Success;
            }, cancellationToken, audit);
        });
        return backup;
    }

    private static Command CreateRestore(CliConsole console, ConfigurationFlags flags)
    {
        var file = new Argument<string>("FILE") { Description = "The backup to restore (a file written by compozy db backup)." };
        var keep = new Option<bool>("--keep-replaced") { Description = "Keep the replaced database as <db>.replaced-<time> (the default)." };
        var discard = new Option<bool>("--discard-replaced") { Description = "Delete the replaced database and its -wal instead of keeping them." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var restore = new Command("restore", "Replace the SQLite database with a checked backup while no process uses it; the replaced database is kept under a new name unless --discard-replaced.")
        {
            file, keep, discard, json,
        };
        restore.SetAction(async (parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(keep) && parseResult.GetValue(discard))
            {
                await console.Error.WriteLineAsync("compozy: --keep-replaced and --discard-replaced contradict each other; allowed: one of them, or neither (the replaced database is kept)").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }

            // Reads only until the backup passed its checks; no startup check runs, because the
            // database being replaced may be damaged or missing: restoring is the way out.
            var audit = new CliAudit(AuditActions.DatabaseRestore, parseResult.GetValue(file)) { RecordsFailures = false };
            return await DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Read, async (services, loaded, token) =>
            {
                var report = await services.GetRequiredService<IDatabaseBackup>().RestoreAsync(parseResult.GetValue(file)!, keepReplaced: !parseResult.GetValue(discard), token).ConfigureAwait(false);
                await PrintAsync(console.Out, loaded, report, parseResult.GetValue(json)).ConfigureAwait(false);
                return ExitCodes.Success;
            }, cancellationToken, audit).ConfigureAwait(false);
        });
        return restore;
    }

    private static Command CreateRecover(CliConsole console, ConfigurationFlags flags)
    {
        var file = new Option<string?>("--backup")
        {
            Description = "Restore this backup (it must pass the same checks). Default: the newest backup in database.sqlite.backup.dir that passes integrity_check, is a Compozy database and holds no migration newer than this build.",
            HelpName = "FILE",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the database, choose the backup and report the window of lost writes; change nothing." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var recover = new Command("recover", "When the SQLite database fails integrity_check: keep its files aside untouched (<db>.damaged-<time>), restore the newest verified backup in its place, and report the writes lost since that backup. Refuses a sound database (exit 7), one in use (exit 5), and a damaged one without a verified backup (exit 4).")
        {
            file, dryRun, json,
        };

        // Reads only until the damage and the backup are established, then takes the database
        // from every other process; no startup check runs, since the database is expected damaged.
        recover.SetAction((parseResult, cancellationToken) =>
        {
            // Recorded in the restored database once it is in place; a dry run and a refusal change
            // nothing, so they are not actions to audit.
            var audit = parseResult.GetValue(dryRun) ? null : new CliAudit(AuditActions.DatabaseRecover, parseResult.GetValue(file)) { RecordsFailures = false };
            return DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Read, async (services, loaded, token) =>
            {
                DatabaseReport report;
                try
                {
                    report = await services.GetRequiredService<IDatabaseRecovery>().RecoverAsync(
                        new DatabaseRecoveryRequest { BackupFile = parseResult.GetValue(file), DryRun = parseResult.GetValue(dryRun) },
                        token).ConfigureAwait(false);
                }
                catch (DatabaseNotDamagedException exception)
                {
                    await console.Error.WriteLineAsync($"compozy: {exception.Message}").ConfigureAwait(false);
                    return ExitCodes.NotDamaged;
                }

                if (audit is not null)
                {
                    audit.Target = report["backup"]?.ToString() ?? audit.Target;
                    Describe(audit, report, "lost_from", "lost_until", "moved_aside");
                }

                await PrintAsync(console.Out, loaded, report, parseResult.GetValue(json)).ConfigureAwait(false);
                return ExitCodes.Success;
            }, cancellationToken, audit);
        });
        return recover;
    }

    /// <summary>Copies facts of a report into the audit entry: counts and names, never contents.</summary>
    internal static void Describe(CliAudit? audit, DatabaseReport report, params string[] facts)
    {
        foreach (var fact in facts)
        {
            if (audit is not null && report[fact] is { } value)
            {
                audit.Details[fact] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            }
        }
    }

    internal static async Task PrintAsync(TextWriter output, LoadedConfiguration loaded, DatabaseReport report, bool json)
    {
        if (json)
        {
            var document = new Dictionary<string, object?> { ["driver"] = loaded.Provider.Driver };
            foreach (var (name, value) in report.Facts)
            {
                document[name] = value;
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(document, CliJson.Options)).ConfigureAwait(false);
            return;
        }

        foreach (var (name, value) in report.Facts)
        {
            await output.WriteLineAsync($"{name,-26} {Format(value)}").ConfigureAwait(false);
        }
    }

    private static Command CreateStatus(CliConsole console, ConfigurationFlags flags)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var check = new Option<string?>("--check") { Description = "Also check integrity: quick (quick_check) or full (integrity_check). Exit code 4 when it finds damage.", HelpName = "quick|full" };
        check.AcceptOnlyFromAmong("quick", "full");
        var status = new Command("status", "Report the database's state and migrations. Reads only; safe next to a running host.") { json, check };
        status.SetAction((parseResult, cancellationToken) => DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Read, async (services, loaded, token) =>
        {
            var thoroughness = parseResult.GetValue(check) switch
            {
                "quick" => IntegrityCheck.Quick,
                "full" => IntegrityCheck.Full,
                _ => IntegrityCheck.None,
            };
            var read = await services.GetRequiredService<IDatabaseStatusReader>().ReadAsync(thoroughness, token).ConfigureAwait(false);
            var report = read.Report;
            var damaged = read.IntegrityOk is false;
            MigrationStatus? migrations = null;
            string? migrationsError = null;
            try
            {
                migrations = await services.GetRequiredService<MigrationRunner>().GetStatusAsync(token).ConfigureAwait(false);
            }
            catch (System.Data.Common.DbException exception)
                when (damaged || services.GetRequiredService<IDbErrorClassifier>().Classify(exception) is { Kind: DbErrorKind.Corrupt })
            {
                // The report above stays useful when the history cannot be read: the damage is
                // reported with it, as unreadable migrations and exit code 4.
                damaged = true;
                migrationsError = exception.Message;
            }

            if (parseResult.GetValue(json))
            {
                var document = new Dictionary<string, object?>
                {
                    ["driver"] = loaded.Provider.Driver,
                    ["database"] = loaded.Provider.Description,
                    ["status"] = report.Facts.ToDictionary(fact => fact.Key, fact => fact.Value),
                    ["migrations"] = migrations is null
                        ? new Dictionary<string, object?> { ["error"] = migrationsError }
                        : new Dictionary<string, object?>
                        {
                            ["applied"] = migrations.Applied.Count,
                            ["pending"] = migrations.Pending.Count,
                            ["current"] = migrations.IsCurrent,
                            ["pending_ids"] = migrations.Pending.Select(migration => migration.Id).ToList(),
                        },
                };
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(document, CliJson.Options)).ConfigureAwait(false);
            }
            else
            {
                await console.Out.WriteLineAsync($"{"driver",-34} {loaded.Provider.Driver}").ConfigureAwait(false);
                await console.Out.WriteLineAsync($"{"database",-34} {loaded.Provider.Description}").ConfigureAwait(false);
                foreach (var (name, value) in report.Facts)
                {
                    await console.Out.WriteLineAsync($"{name,-34} {Format(value)}").ConfigureAwait(false);
                }

                await console.Out.WriteLineAsync(migrations is null
                    ? $"{"migrations",-34} unreadable: {migrationsError}"
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"{"migrations",-34} {migrations.Applied.Count} of {migrations.Migrations.Count} applied{(migrations.IsCurrent ? " (current)" : $", pending: {string.Join(", ", migrations.Pending.Select(migration => migration.Id))}")}")).ConfigureAwait(false);
            }

            return damaged ? ExitCodes.DatabaseDamaged : ExitCodes.Success;
        }, cancellationToken));
        return status;
    }

    private static Command CreateMaintenance(CliConsole console, ConfigurationFlags flags)
    {
        var full = new Option<bool>("--full") { Description = "Rewrite the whole database (SQLite VACUUM, PostgreSQL VACUUM FULL); blocks writes while it runs." };
        var timeout = new Option<string?>("--timeout") { Description = "Stop after this long (for example 30s or 5m); the database stays consistent. Default: run to the end.", HelpName = "DURATION" };
        var maintenance = new Command("maintenance", "Reclaim free space and refresh planner statistics.") { full, timeout };
        maintenance.SetAction(async (parseResult, cancellationToken) =>
        {
            var rawTimeout = parseResult.GetValue(timeout);
            TimeSpan? limit = null;
            if (rawTimeout is not null)
            {
                if (!DurationFormat.TryParse(rawTimeout, out var parsed) || parsed <= TimeSpan.Zero)
                {
                    var reason = DurationFormat.TryParse(rawTimeout, out _) ? "is not positive" : "is not a duration";
                    await console.Error.WriteLineAsync($"compozy: --timeout: \"{rawTimeout}\" {reason}; allowed: a positive duration such as 30s, 5m or 1h").ConfigureAwait(false);
                    return ExitCodes.InvalidConfiguration;
                }

                limit = parsed;
            }

            var audit = new CliAudit(AuditActions.DatabaseMaintenance);
            audit.Details["full"] = parseResult.GetValue(full) ? "true" : "false";
            return await DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Write, async (services, loaded, token) =>
            {
                using var deadline = limit is { } span ? new CancellationTokenSource(span) : new CancellationTokenSource();
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, deadline.Token);
                try
                {
                    var report = await services.GetRequiredService<IDatabaseMaintenance>().RunAsync(parseResult.GetValue(full), linked.Token).ConfigureAwait(false);
                    foreach (var (name, value) in report.Facts)
                    {
                        await console.Out.WriteLineAsync($"{name,-26} {Format(value)}").ConfigureAwait(false);
                    }

                    return ExitCodes.Success;
                }
                catch (Exception exception) when (deadline.IsCancellationRequested && exception is OperationCanceledException or System.Data.Common.DbException)
                {
                    audit.Reason = $"stopped after {rawTimeout} (--timeout)";
                    await console.Error.WriteLineAsync(
                        $"compozy: maintenance stopped after {rawTimeout} (--timeout); the step in progress was rolled back and the database is consistent").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
            }, cancellationToken, audit).ConfigureAwait(false);
        });
        return maintenance;
    }

    private static string Format(object? value) => value switch
    {
        null => "-",
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };
}
