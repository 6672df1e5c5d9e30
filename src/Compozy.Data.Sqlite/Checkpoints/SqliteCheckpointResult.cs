namespace Compozy.Data.Sqlite.Checkpoints;

/// <summary>What one checkpoint did.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Blocked">Whether readers stopped it before it copied everything (a TRUNCATE that could not truncate).</param>
/// <param name="WalFrames">Frames in the WAL after it ran (0 once a TRUNCATE reset the WAL).</param>
/// <param name="CheckpointedFrames">Frames of the WAL now in the database file, counting earlier checkpoints.</param>
/// <param name="CopiedFrames">Frames this checkpoint copied into the database file (pages written).</param>
/// <param name="WalBytesAfter">Size of the -wal file afterwards.</param>
/// <param name="Duration">How long it took.</param>
internal sealed record SqliteCheckpointResult(
    SqliteCheckpointMode Mode, bool Blocked, int WalFrames, int CheckpointedFrames, long CopiedFrames, long WalBytesAfter, TimeSpan Duration);
