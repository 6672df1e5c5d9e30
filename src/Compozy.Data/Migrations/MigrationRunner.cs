using System.Data.Common;
using Compozy.Data.Configuration;
using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Migrations;

/// <summary>
/// Applies, reverts and reports the selected provider's migrations through EF Core's
/// <see cref="IMigrator"/>.
/// </summary>
/// <remarks>
/// <para>Each migration runs in its own transaction: one that fails is rolled back and leaves the
/// database at the previous migration.</para>
/// <para>Runs are serialised across processes by the provider's migration lock (an advisory lock
/// on PostgreSQL, a lock file plus EF's lock table on SQLite): a second <c>migrate up</c> waits,
/// then finds nothing left to apply. The wait and each statement are bounded by
/// <c>database.migration_timeout</c>.</para>
/// </remarks>
public sealed partial class MigrationRunner
{
    private readonly IMigrationHistoryReader _history;
    private readonly Lazy<IDbContextFactory<CompozyDbContext>> _contexts;
    private readonly Lazy<IDatabaseWriter> _writer;
    private readonly DatabaseOptions _options;
    private readonly ILogger<MigrationRunner> _logger;

    // The context factory and the writer are resolved when first needed: reporting the status
    // (`compozy migrate status`, the readiness check) needs neither, and building the read
    // contexts' options (the compiled model, the connection profile) cost more than the report.
    internal MigrationRunner(
        IMigrationHistoryReader history,
        Lazy<IDbContextFactory<CompozyDbContext>> contexts,
        Lazy<IDatabaseWriter> writer,
        IOptions<CompozyDataOptions> options,
        ILogger<MigrationRunner> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _history = history;
        _contexts = contexts;
        _writer = writer;
        _options = options.Value.Database;
        _logger = logger;
    }

    /// <summary>
    /// Every migration of this build with whether and when it was applied. Reads only: a SQLite
    /// file that does not exist yet is reported as all pending and is not created.
    /// </summary>
    public async Task<MigrationStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        (await ReadStatusAsync(cancellationToken).ConfigureAwait(false)).Status;

    /// <summary>
    /// Applies pending migrations up to and including <paramref name="target"/> (all when
    /// <see langword="null"/>). Never reverts anything.
    /// </summary>
    /// <exception cref="MigrationTargetException">The target is unknown or already applied with later migrations after it.</exception>
    /// <exception cref="MigrationFailedException">A migration failed; the database is at the previous one.</exception>
    /// <exception cref="NewerSchemaException">A newer build applied migrations this build does not know; nothing is applied.</exception>
    public async Task<IReadOnlyList<MigrationStep>> UpAsync(string? target = null, CancellationToken cancellationToken = default)
    {
        var (status, legacy, _) = await ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        NewerSchemaException.ThrowIfAny(status);
        if (target is null && status.IsCurrent && legacy == LegacyHistoryState.None)
        {
            // Nothing to apply or record. EF's migrator would still build the model from the
            // entity configurations, compiled model or not, to warn of model changes without a
            // migration: most of the time `compozy start` spends on an up-to-date database.
            // The writer still takes its turn, as the migrations' job did: on SQLite that opens
            // the writer connection and its lock, which is how a second host and `db restore`
            // learn that this process is running.
            return await _writer.Value.RunExclusiveAsync<IReadOnlyList<MigrationStep>>(
                static (_, _) => Task.FromResult<IReadOnlyList<MigrationStep>>([]), cancellationToken).ConfigureAwait(false);
        }

        string? targetId = null;
        if (target is not null)
        {
            targetId = ResolveTarget(status, target);
            var laterApplied = status.Applied.Where(migration => migration.IsKnown && string.CompareOrdinal(migration.Id, targetId) > 0).ToList();
            if (laterApplied.Count > 0)
            {
                throw new MigrationTargetException(
                    $"'{targetId}' is older than the applied migration '{laterApplied[^1].Id}'; `migrate up` never reverts. " +
                    $"Use `compozy migrate down --target {targetId}` to go back.");
            }
        }

        return await RunAsync(targetId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reverts applied migrations: the last <paramref name="steps"/> (default 1), or every one after
    /// <paramref name="target"/> (<c>0</c> reverts all).
    /// </summary>
    /// <exception cref="MigrationTargetException">The target is unknown or not applied, or steps is not positive.</exception>
    /// <exception cref="MigrationFailedException">A migration failed to revert; the database is at the last one that completed.</exception>
    public async Task<IReadOnlyList<MigrationStep>> DownAsync(int? steps = null, string? target = null, CancellationToken cancellationToken = default)
    {
        if (steps is not null && target is not null)
        {
            throw new MigrationTargetException("give either --steps or --target, not both");
        }

        if (steps is <= 0)
        {
            throw new MigrationTargetException($"--steps must be a positive number of migrations to revert; got {steps}");
        }

        var status = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var applied = status.Applied.Where(migration => migration.IsKnown).Select(migration => migration.Id).ToList();
        string targetId;
        if (target is not null)
        {
            targetId = target == Migration.InitialDatabase ? Migration.InitialDatabase : ResolveTarget(status, target);
            if (targetId != Migration.InitialDatabase && !applied.Contains(targetId, StringComparer.Ordinal))
            {
                throw new MigrationTargetException(
                    $"'{targetId}' is not applied, so there is nothing to revert down to; `migrate down` only goes back. " +
                    "Use `compozy migrate up --target` to go forward.");
            }
        }
        else
        {
            var count = steps ?? 1;
            targetId = count >= applied.Count ? Migration.InitialDatabase : applied[applied.Count - count - 1];
        }

        if (applied.Count == 0)
        {
            return [];
        }

        return await RunAsync(targetId, cancellationToken).ConfigureAwait(false);
    }

    private static string ResolveTarget(MigrationStatus status, string target)
    {
        var match = status.Migrations.FirstOrDefault(migration =>
            migration.IsKnown
            && (string.Equals(migration.Id, target, StringComparison.OrdinalIgnoreCase)
                || string.Equals(migration.Name, target, StringComparison.OrdinalIgnoreCase)));
        return match?.Id ?? throw new MigrationTargetException(
            $"no migration is named '{target}'; known migrations: " +
            string.Join(", ", status.Migrations.Where(migration => migration.IsKnown).Select(migration => migration.Id)));
    }

    /// <summary>
    /// The SQL that <c>migrate up</c> (or <c>down</c>) would run, for an operator who applies schema
    /// changes through review: by default the pending migrations of this database; with
    /// <paramref name="from"/> and <paramref name="to"/>, the migrations after <paramref name="from"/>
    /// up to and including <paramref name="to"/> (ids or names, <c>0</c> for the empty database),
    /// whatever the database holds. Each migration is in its own transaction and records itself in
    /// the history table. Reads only; a SQLite file that does not exist is not created.
    /// </summary>
    /// <param name="from">The last migration the database is assumed to have; default: the last applied one.</param>
    /// <param name="to">The last migration to include; default: the last of this build.</param>
    /// <param name="idempotent">Make every migration check the history table first, so that the script may be run on a database at any migration of the range.</param>
    /// <param name="cancellationToken">Cancels the read of the history.</param>
    /// <returns>The script; empty when there is nothing to apply.</returns>
    /// <exception cref="MigrationTargetException">A name is unknown, or the provider cannot write an idempotent script (SQLite).</exception>
    public async Task<string> ScriptAsync(string? from = null, string? to = null, bool idempotent = false, CancellationToken cancellationToken = default)
    {
        var (status, legacy, baselineId) = await ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        var context = await _contexts.Value.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var fromId = from is null
                ? status.Applied.LastOrDefault(migration => migration.IsKnown)?.Id ?? Migration.InitialDatabase
                : ResolveScriptEnd(status, from);
            var toId = to is null ? status.Migrations.LastOrDefault(migration => migration.IsKnown)?.Id : ResolveScriptEnd(status, to);

            var options = MigrationsSqlGenerationOptions.Script | (idempotent ? MigrationsSqlGenerationOptions.Idempotent : MigrationsSqlGenerationOptions.Default);
            string script;
            try
            {
                script = fromId == toId ? string.Empty : context.GetService<IMigrator>().GenerateScript(fromId, toId, options);
            }
            catch (NotSupportedException exception) when (idempotent)
            {
                throw new MigrationTargetException(
                    $"--idempotent is not available for this database: {exception.Message} " +
                    "Leave out --idempotent: the script then holds exactly the migrations after --from (by default the last one applied), so run it once, on that database.",
                    exception);
            }

            // The history rewrite `migrate up` would do first (LegacyMigrationHistory); only when the
            // script starts from this database's own history, which is when it applies.
            if (from is null && legacy == LegacyHistoryState.Complete)
            {
                var rewrite = string.Join(Environment.NewLine, LegacyMigrationHistory.ReplaceStatements(baselineId!).Select(statement => statement + ";"));
                script = $"-- This database's history lists the hand-written migrations {string.Join(", ", LegacyMigrationHistory.Ids)}.{Environment.NewLine}" +
                    $"-- Its schema is that of {baselineId}, which is recorded in their place; nothing else changes.{Environment.NewLine}" +
                    $"BEGIN;{Environment.NewLine}{rewrite}{Environment.NewLine}COMMIT;{Environment.NewLine}{Environment.NewLine}{script}";
            }

            return script;
        }
    }

    private static string ResolveScriptEnd(MigrationStatus status, string name) =>
        name == Migration.InitialDatabase ? Migration.InitialDatabase : ResolveTarget(status, name);

    private async Task<(MigrationStatus Status, LegacyHistoryState Legacy, string? BaselineId)> ReadStatusAsync(CancellationToken cancellationToken)
    {
        var migrations = _history.KnownMigrations;
        var known = migrations.Keys.Order(StringComparer.Ordinal).ToList();
        var applied = new Dictionary<string, DateTime?>(
            await _history.ReadAppliedAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);

        // A database migrated by the hand-written migrations has the baseline's schema: show it as
        // applied when the last of them was; `migrate up` records it (ReplaceLegacyHistoryAsync).
        var baselineId = LegacyMigrationHistory.BaselineId(migrations);
        var legacy = LegacyMigrationHistory.Classify(applied.Keys, baselineId);
        if (legacy == LegacyHistoryState.Complete)
        {
            var appliedAt = applied[LegacyMigrationHistory.Ids[^1]];
            foreach (var id in LegacyMigrationHistory.Ids)
            {
                applied.Remove(id);
            }

            applied[baselineId!] = appliedAt;
        }

        var entries = known
            .Select(id => applied.TryGetValue(id, out var appliedAt)
                ? new MigrationStatusEntry(id, IsApplied: true, appliedAt)
                : new MigrationStatusEntry(id, IsApplied: false, AppliedAt: null))
            .Concat(applied.Keys
                .Where(id => !known.Contains(id, StringComparer.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(id => new MigrationStatusEntry(id, IsApplied: true, applied[id], IsKnown: false)))
            .ToList();
        return (new MigrationStatus(entries), legacy, baselineId);
    }

    private Task<IReadOnlyList<MigrationStep>> RunAsync(string? targetId, CancellationToken cancellationToken) =>
        _writer.Value.RunExclusiveAsync<IReadOnlyList<MigrationStep>>(
            async (context, token) =>
            {
                context.Database.SetCommandTimeout(_options.MigrationTimeout);
                await ReplaceLegacyHistoryAsync(context, token).ConfigureAwait(false);
                var migrator = context.GetService<IMigrator>();
                using var progress = new MigrationProgressListener(migrator);
                try
                {
                    await migrator.MigrateAsync(targetId, token).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is DbException or InvalidOperationException or TimeoutException)
                {
                    var failed = progress.CurrentMigration;
                    progress.DiscardCurrent();
                    foreach (var step in progress.Finish())
                    {
                        LogStep(step);
                    }

                    throw new MigrationFailedException(
                        failed,
                        failed is null
                            ? $"migration run failed before any migration started: {exception.Message}"
                            : $"migration {failed} failed and was rolled back: {exception.Message}",
                        exception);
                }

                var steps = progress.Finish();
                foreach (var step in steps)
                {
                    LogStep(step);
                }

                return steps;
            },
            cancellationToken);

    /// <summary>
    /// Records the baseline in place of a complete legacy history (<see cref="LegacyMigrationHistory"/>)
    /// under the migration lock, in one transaction; refuses a partial one. Nothing for any other
    /// database, which costs one read of the history.
    /// </summary>
    private async Task ReplaceLegacyHistoryAsync(CompozyDbContext context, CancellationToken cancellationToken)
    {
        var baselineId = LegacyMigrationHistory.BaselineId(context.GetService<IMigrationsAssembly>().Migrations);
        var history = context.GetService<IHistoryRepository>();

        // Read before locking: a new PostgreSQL database does not exist yet, so no connection can
        // be held open for the lock (the provider's repository answers "nothing applied" for it).
        if (LegacyMigrationHistory.Classify(await AppliedIdsAsync(history, cancellationToken).ConfigureAwait(false), baselineId) == LegacyHistoryState.None)
        {
            return;
        }

        try
        {
            // The lock is a session lock on PostgreSQL: hold one connection open until it is released.
            await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var databaseLock = await history.AcquireDatabaseLockAsync(cancellationToken).ConfigureAwait(false);
                await using (databaseLock.ConfigureAwait(false))
                {
                    // Again under the lock: another run may have recorded the baseline meanwhile.
                    var applied = await AppliedIdsAsync(history, cancellationToken).ConfigureAwait(false);
                    switch (LegacyMigrationHistory.Classify(applied, baselineId))
                    {
                        case LegacyHistoryState.Partial:
                            throw new MigrationFailedException(null, LegacyMigrationHistory.PartialMessage(applied), null);
                        case LegacyHistoryState.Complete:
                            var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                            await using (transaction.ConfigureAwait(false))
                            {
                                foreach (var statement in LegacyMigrationHistory.ReplaceStatements(baselineId!))
                                {
                                    await context.Database.ExecuteSqlRawAsync(statement, cancellationToken).ConfigureAwait(false);
                                }

                                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                            }

                            LogLegacyHistoryReplaced(baselineId!, LegacyMigrationHistory.Ids.Count);
                            break;
                    }
                }
            }
            finally
            {
                await context.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or TimeoutException)
        {
            throw new MigrationFailedException(
                null, $"recording {baselineId} in place of the hand-written migrations failed, and nothing was changed: {exception.Message}", exception);
        }
    }

    private static async Task<List<string>> AppliedIdsAsync(IHistoryRepository history, CancellationToken cancellationToken) =>
        (await history.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).Select(row => row.MigrationId).ToList();

    private void LogStep(MigrationStep step)
    {
        if (step.Direction == MigrationDirection.Up)
        {
            LogApplied(step.Id, step.Duration.TotalMilliseconds);
        }
        else
        {
            LogReverted(step.Id, step.Duration.TotalMilliseconds);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "applied migration {MigrationId} in {ElapsedMilliseconds:F0} ms")]
    private partial void LogApplied(string migrationId, double elapsedMilliseconds);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "reverted migration {MigrationId} in {ElapsedMilliseconds:F0} ms")]
    private partial void LogReverted(string migrationId, double elapsedMilliseconds);

    [LoggerMessage(
        EventId = 2003,
        Level = LogLevel.Information,
        Message = "recorded migration {MigrationId} in place of the {Count} hand-written migrations the database was migrated with; its schema is already theirs, so nothing was run")]
    private partial void LogLegacyHistoryReplaced(string migrationId, int count);
}
