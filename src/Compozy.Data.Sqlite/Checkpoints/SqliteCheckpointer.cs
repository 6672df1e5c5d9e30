using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Sqlite.Writes;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Checkpoints;

/// <summary>Runs checkpoints on the writer connection, between writes, and records them.</summary>
internal sealed class SqliteCheckpointer(SqliteDatabaseWriter writer, SqliteConnectionFactory connections, SqliteMetrics metrics)
{
    /// <summary>
    /// Runs a checkpoint; a TRUNCATE that readers hold back is reported in the result, not thrown.
    /// <paramref name="busyTimeout"/>, when given, bounds how long a TRUNCATE waits for readers
    /// (shutdown uses what is left of its deadline); cancellation interrupts it.
    /// </summary>
    public Task<SqliteCheckpointResult> CheckpointAsync(SqliteCheckpointMode mode, CancellationToken cancellationToken, TimeSpan? busyTimeout = null) =>
        writer.RunOnConnectionAsync((connection, token) => Task.FromResult(Checkpoint(connection, mode, busyTimeout, token)), cancellationToken);

    private SqliteCheckpointResult Checkpoint(SqliteConnection connection, SqliteCheckpointMode mode, TimeSpan? busyTimeout, CancellationToken cancellationToken)
    {
        var name = mode == SqliteCheckpointMode.Truncate ? "truncate" : "passive";
        var before = connections.Options.IsInMemory ? null : WalIndexProgress.Read(connections.Options.Path);
        var elapsed = Stopwatch.StartNew();
        if (busyTimeout is { } wait)
        {
            SetBusyTimeout(connection, wait);
        }

        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_checkpoint({name.ToUpperInvariant()});";
            using var interrupt = SqliteInterrupt.On(connection, cancellationToken);
            using var reader = command.ExecuteReader();
            reader.Read();
            var (blocked, frames, checkpointed) = (reader.GetInt32(0) == 1, reader.GetInt32(1), reader.GetInt32(2));

            // wal_checkpoint reports totals for the WAL as it stands afterwards; what this call
            // copied is measured against the WAL index read before it. A reset WAL reports 0/0.
            var alreadyCopied = before?.Backfilled ?? 0;
            var copied = frames == 0 && checkpointed == 0
                ? Math.Max(0, (before?.Frames ?? 0) - alreadyCopied)
                : Math.Max(0, checkpointed - alreadyCopied);
            var result = new SqliteCheckpointResult(mode, blocked, frames, checkpointed, copied, connections.WalSize, elapsed.Elapsed);
            metrics.RecordCheckpoint(name, blocked ? "busy" : "ok", result.Duration, copied);
            return result;
        }
        catch (SqliteException)
        {
            metrics.RecordCheckpoint(name, "error", elapsed.Elapsed, 0);
            throw;
        }
        finally
        {
            if (busyTimeout is not null)
            {
                SetBusyTimeout(connection, connections.Options.BusyTimeout);
            }
        }
    }

    private static void SetBusyTimeout(SqliteConnection connection, TimeSpan timeout)
    {
        using var command = connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)Math.Max(0, timeout.TotalMilliseconds)};");
        command.ExecuteNonQuery();
    }
}
