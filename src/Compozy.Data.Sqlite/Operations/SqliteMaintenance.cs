using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Operations;
using Compozy.Data.Sqlite.Checkpoints;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite.Operations;

/// <summary>
/// Online maintenance on the writer: an incremental vacuum in bounded steps (each step its own
/// short write, so other writes run between them), <c>PRAGMA optimize</c>, then a TRUNCATE
/// checkpoint so freed pages leave the file. A full <c>VACUUM</c> rewrites the whole file and
/// holds the writer while it runs; it is done only when asked.
/// </summary>
/// <remarks>
/// Cancellation interrupts the statement running (<c>sqlite3_interrupt</c>); SQLite rolls it back,
/// so the database stays consistent and keeps the steps already committed.
/// </remarks>
internal sealed partial class SqliteMaintenance(
    SqliteDatabaseWriter writer,
    SqliteConnectionFactory connections,
    SqliteCheckpointer checkpointer,
    ILogger<SqliteMaintenance> logger) : IDatabaseMaintenance
{
    /// <summary>Pages freed per incremental step: about 1 MiB with 4 KiB pages.</summary>
    public const int PagesPerStep = 256;

    /// <summary>Refreshes planner statistics where they are stale (<c>PRAGMA optimize</c>) on the writer.</summary>
    public Task OptimizeAsync(CancellationToken cancellationToken) =>
        writer.RunOnConnectionAsync((connection, token) => ExecuteAsync(connection, "PRAGMA optimize;", token), cancellationToken);

    /// <inheritdoc />
    public async Task<DatabaseReport> RunAsync(bool full, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var before = await ReadStatsAsync(cancellationToken).ConfigureAwait(false);
        var steps = 0;
        if (full)
        {
            await writer.RunOnConnectionAsync((connection, token) => ExecuteAsync(connection, "VACUUM;", token), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var freelist = before.FreelistPages;
            while (freelist > 0)
            {
                var remaining = await writer.RunOnConnectionAsync(
                    async (connection, token) =>
                    {
                        await ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA incremental_vacuum({PagesPerStep});"), token).ConfigureAwait(false);
                        return await ScalarAsync(connection, "PRAGMA freelist_count;", token).ConfigureAwait(false);
                    },
                    cancellationToken).ConfigureAwait(false);
                steps++;
                if (remaining >= freelist)
                {
                    break;
                }

                freelist = remaining;
            }
        }

        await OptimizeAsync(cancellationToken).ConfigureAwait(false);
        if (connections.Mode.JournalMode == SqliteJournalMode.Wal)
        {
            await checkpointer.CheckpointAsync(SqliteCheckpointMode.Truncate, cancellationToken).ConfigureAwait(false);
        }

        var after = await ReadStatsAsync(cancellationToken).ConfigureAwait(false);
        var fileBefore = before.PageCount * before.PageSize;
        var fileAfter = after.PageCount * after.PageSize;
        // optimize may add a page of statistics, so a database with nothing to free can grow by one.
        var pagesFreed = Math.Max(0, before.PageCount - after.PageCount);
        LogCompleted(full ? "full" : "incremental", pagesFreed, fileBefore, fileAfter, elapsed.Elapsed.TotalMilliseconds);
        return new DatabaseReport(
        [
            new("mode", full ? "full" : "incremental"),
            new("steps", full ? 1 : steps),
            new("pages_freed", pagesFreed),
            new("page_size", after.PageSize),
            new("page_count_before", before.PageCount),
            new("page_count_after", after.PageCount),
            new("freelist_pages_before", before.FreelistPages),
            new("freelist_pages_after", after.FreelistPages),
            new("database_bytes_before", fileBefore),
            new("database_bytes_after", fileAfter),
            new("file_bytes_after", File.Exists(connections.Options.Path) ? new FileInfo(connections.Options.Path).Length : 0L),
            new("duration_ms", Math.Round(elapsed.Elapsed.TotalMilliseconds)),
        ]);
    }

    private Task<(long PageCount, long PageSize, long FreelistPages)> ReadStatsAsync(CancellationToken cancellationToken) =>
        writer.RunOnConnectionAsync(
            async (connection, token) => (
                await ScalarAsync(connection, "PRAGMA page_count;", token).ConfigureAwait(false),
                await ScalarAsync(connection, "PRAGMA page_size;", token).ConfigureAwait(false),
                await ScalarAsync(connection, "PRAGMA freelist_count;", token).ConfigureAwait(false)),
            cancellationToken);

    private static async Task<bool> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        using var interrupt = SqliteInterrupt.On(connection, cancellationToken);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception) when (SqliteInterrupt.WasRequestedBy(exception, cancellationToken))
        {
            throw new OperationCanceledException($"{sql} was cancelled and rolled back; the database is as it was before it", exception, cancellationToken);
        }

        return true;
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    [LoggerMessage(EventId = 3030, Level = LogLevel.Information, Message = "maintenance ({Mode}) completed: {PagesFreed} pages freed, {BytesBefore} -> {BytesAfter} bytes, in {ElapsedMilliseconds:F0} ms")]
    private partial void LogCompleted(string mode, long pagesFreed, long bytesBefore, long bytesAfter, double elapsedMilliseconds);
}
