using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Compozy.Cli.Configuration;
using Compozy.Data.Audit;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Cli.Commands;

/// <summary><c>compozy migrate up|down|status|script</c>.</summary>
internal static class MigrateCommand
{

    public static Command Create(CliConsole console, ConfigurationFlags flags)
    {
        var migrate = new Command("migrate", "Apply, revert or list database migrations (same configuration sources as start).");
        migrate.Subcommands.Add(CreateUp(console, flags));
        migrate.Subcommands.Add(CreateDown(console, flags));
        migrate.Subcommands.Add(CreateStatus(console, flags));
        migrate.Subcommands.Add(CreateScript(console, flags));
        return migrate;
    }

    private static Command CreateScript(CliConsole console, ConfigurationFlags flags)
    {
        var from = new Option<string?>("--from")
        {
            Description = "Start after this migration (id or name; 0 for an empty database). Default: the last one applied to the configured database.",
            HelpName = "NAME|0",
        };
        var to = new Option<string?>("--to") { Description = "End with this migration (id or name). Default: the last one of this build.", HelpName = "NAME" };
        var idempotent = new Option<bool>("--idempotent")
        {
            Description = "Make each migration check the history table first, so the script can run on a database at any point of the range (PostgreSQL only).",
        };
        var script = new Command("script", "Print the SQL of the pending migrations (or of a range) for review; changes nothing.") { from, to, idempotent };
        script.SetAction((parseResult, cancellationToken) => DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Read, async (services, loaded, token) =>
        {
            var sql = await services.GetRequiredService<MigrationRunner>()
                .ScriptAsync(parseResult.GetValue(from), parseResult.GetValue(to), parseResult.GetValue(idempotent), token)
                .ConfigureAwait(false);
            if (sql.Length == 0)
            {
                // On standard error, so that `> file.sql` gives an empty file rather than a comment.
                await console.Error.WriteLineAsync("compozy: nothing to script: no migration is pending").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            await console.Out.WriteAsync(sql).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return script;
    }

    private static Command CreateUp(CliConsole console, ConfigurationFlags flags)
    {
        var target = new Option<string?>("--target") { Description = "Apply up to and including this migration (id or name); never reverts.", HelpName = "NAME" };
        var noBackup = new Option<bool>("--no-backup") { Description = "Do not back up a SQLite database before applying migrations (by default a checked backup is written to database.sqlite.backup.dir first)." };
        var up = new Command("up", "Apply pending migrations, each in its own transaction; on a SQLite file, back it up first.") { target, noBackup };
        up.SetAction((parseResult, cancellationToken) =>
        {
            var audit = new CliAudit(AuditActions.MigrationApplied, parseResult.GetValue(target));
            return DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Write, async (services, loaded, token) =>
        {
            var runner = services.GetRequiredService<MigrationRunner>();
            if (!parseResult.GetValue(noBackup))
            {
                await BackUpFirstAsync(console, services, runner, token).ConfigureAwait(false);
            }

            var steps = await runner.UpAsync(parseResult.GetValue(target), token).ConfigureAwait(false);
            foreach (var step in steps)
            {
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"applied  {step.Id} ({step.Duration.TotalMilliseconds:F0} ms)")).ConfigureAwait(false);
            }

            audit.Details["applied"] = string.Join(",", steps.Select(step => step.Id));
            var status = await runner.GetStatusAsync(token).ConfigureAwait(false);
            await console.Out.WriteLineAsync(Summary(steps.Count == 0 ? "nothing to apply" : $"applied {steps.Count}", status)).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken, audit);
        });
        return up;
    }

    /// <summary>
    /// Before migrations change a database that holds data, a checked copy it can go back to
    /// (<c>compozy db restore</c>). A provider that does not back up (PostgreSQL: the server's tools
    /// do) and a new, empty database are skipped; a failed backup stops the migration.
    /// </summary>
    private static async Task BackUpFirstAsync(CliConsole console, IServiceProvider services, MigrationRunner runner, CancellationToken cancellationToken)
    {
        var backups = services.GetRequiredService<IDatabaseBackup>();
        if (backups.UnsupportedReason is not null)
        {
            return;
        }

        var status = await runner.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (status.Pending.Count == 0 || (status.Applied.Count == 0 && !await backups.HoldsDataAsync(cancellationToken).ConfigureAwait(false)))
        {
            return;
        }

        var report = await backups.BackupAsync(
            new DatabaseBackupRequest { Label = "pre-migrate", Progress = new StderrBackupProgress(console.Error) },
            cancellationToken).ConfigureAwait(false);
        await console.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"backup   {report["path"]} ({report["bytes"]} bytes, integrity_check ok; compozy db restore {report["path"]} goes back to it)")).ConfigureAwait(false);
    }

    private static Command CreateDown(CliConsole console, ConfigurationFlags flags)
    {
        var steps = new Option<int?>("--steps") { Description = "Revert this many of the latest applied migrations (default 1).", HelpName = "N" };
        var target = new Option<string?>("--target") { Description = "Revert every migration after this one (id or name); 0 reverts all.", HelpName = "NAME|0" };
        var down = new Command("down", "Revert applied migrations, latest first, each in its own transaction.") { steps, target };
        down.SetAction((parseResult, cancellationToken) =>
        {
            var audit = new CliAudit(AuditActions.MigrationReverted, parseResult.GetValue(target));
            return DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Write, async (services, loaded, token) =>
        {
            var runner = services.GetRequiredService<MigrationRunner>();
            var reverted = await runner.DownAsync(parseResult.GetValue(steps), parseResult.GetValue(target), token).ConfigureAwait(false);
            foreach (var step in reverted)
            {
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"reverted {step.Id} ({step.Duration.TotalMilliseconds:F0} ms)")).ConfigureAwait(false);
            }

            audit.Details["reverted"] = string.Join(",", reverted.Select(step => step.Id));
            var status = await runner.GetStatusAsync(token).ConfigureAwait(false);
            await console.Out.WriteLineAsync(Summary(reverted.Count == 0 ? "nothing to revert" : $"reverted {reverted.Count}", status)).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken, audit);
        });
        return down;
    }

    private static Command CreateStatus(CliConsole console, ConfigurationFlags flags)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var status = new Command("status", "List every migration as applied (with when) or pending. Reads only.") { json };
        status.SetAction((parseResult, cancellationToken) => DataCommandRunner.RunAsync(parseResult, console, flags, DatabaseAccess.Read, async (services, loaded, token) =>
        {
            var report = await services.GetRequiredService<MigrationRunner>().GetStatusAsync(token).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                var document = new StatusDocument(
                    loaded.Provider.Driver,
                    loaded.Provider.Description,
                    report.Migrations.Select(migration => new StatusEntry(
                        migration.Id,
                        migration.Name,
                        migration.IsApplied ? "applied" : "pending",
                        migration.AppliedAt,
                        migration.IsKnown)).ToList(),
                    report.Applied.Count,
                    report.Pending.Count,
                    report.IsCurrent);
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(document, CliJson.Options)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            await console.Out.WriteLineAsync($"{"MIGRATION",-52} {"STATUS",-8} APPLIED AT (UTC)").ConfigureAwait(false);
            foreach (var migration in report.Migrations)
            {
                var state = migration.IsApplied ? (migration.IsKnown ? "applied" : "unknown") : "pending";
                var appliedAt = migration.AppliedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
                await console.Out.WriteLineAsync($"{migration.Id,-52} {state,-8} {appliedAt}").ConfigureAwait(false);
            }

            await console.Out.WriteLineAsync(Summary(report.IsCurrent ? "up to date" : $"{report.Pending.Count} pending", report)).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return status;
    }

    private static string Summary(string what, MigrationStatus status) =>
        string.Create(CultureInfo.InvariantCulture, $"{what}; {status.Applied.Count} of {status.Migrations.Count} migrations applied");

    private sealed record StatusDocument(
        string Driver,
        string Database,
        IReadOnlyList<StatusEntry> Migrations,
        int Applied,
        int Pending,
        bool Current);

    private sealed record StatusEntry(string Id, string Name, string Status, DateTime? AppliedAt, bool Known);
}
