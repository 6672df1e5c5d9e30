using System.Diagnostics;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Sqlite.Writes;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Checkpoints;

/// <summary>Runs checkpoints on the writer connection, between writes, and records them.</summary>
public sealed class SqliteCheckpointer(SqliteDatabaseWriter writer, SqliteConnectionFactory connections, SqliteMetrics metrics)
{
    /// <summary>Runs a checkpoint; a blocked TRUNCATE is reported in the result, not thrown.</summary>
    public Task<SqliteCheckpointResult> CheckpointAsync(SqliteCheckpointMode mode, CancellationToken cancellationToken) =>
        writer.RunOnConnectionAsync((connection, token) => Task.FromResult(Checkpoint(connection, mode, token)), cancellationToken);

    private SqliteCheckpointResult Checkpoint(SqliteConnection connection, SqliteCheckpointMode mode, CancellationToken cancellationToken)
    {
        var name = mode == SqliteCheckpointMode.Truncate ? "truncate" : "passive";
        var elapsed = Stopwatch.StartNew();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_checkpoint({name.ToUpperInvariant()});";
            using var registration = cancellationToken.Register(command.Cancel);
            using var reader = command.ExecuteReader();
            reader.Read();
            var result = new SqliteCheckpointResult(
                mode,
                Blocked: reader.GetInt32(0) == 1,
                WalFrames: reader.GetInt32(1),
                CheckpointedFrames: reader.GetInt32(2),
                WalBytesAfter: connections.WalSize,
                Duration: elapsed.Elapsed);
            metrics.RecordCheckpoint(name, result.Blocked ? "busy" : "ok", result.Duration, Math.Max(0, result.CheckpointedFrames));
            return result;
        }
        catch (SqliteException)
        {
            metrics.RecordCheckpoint(name, "error", elapsed.Elapsed, 0);
            throw;
        }
    }
}
