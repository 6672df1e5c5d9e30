namespace Compozy.Data.Sqlite.Checkpoints;

/// <summary>What one checkpoint did.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Blocked">Whether readers stopped it before it copied everything (a TRUNCATE that could not truncate).</param>
/// <param name="WalFrames">Frames in the WAL when it ran.</param>
/// <param name="CheckpointedFrames">Frames copied into the database file.</param>
/// <param name="WalBytesAfter">Size of the -wal file afterwards.</param>
/// <param name="Duration">How long it took.</param>
public sealed record SqliteCheckpointResult(
    SqliteCheckpointMode Mode, bool Blocked, int WalFrames, int CheckpointedFrames, long WalBytesAfter, TimeSpan Duration);
