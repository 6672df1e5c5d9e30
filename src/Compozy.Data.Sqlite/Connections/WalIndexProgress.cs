using System.Buffers.Binary;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// Checkpoint progress read from the WAL files themselves: the WAL header's checkpoint sequence
/// number, and the <c>-shm</c> index's frame count (<c>mxFrame</c>) and backfilled frames
/// (<c>nBackfill</c>), at the offsets of SQLite's documented WAL-index format. Reading the files
/// never runs a checkpoint, which asking SQLite from a second connection would.
/// </summary>
/// <param name="CheckpointSequence">The WAL header's checkpoint sequence number.</param>
/// <param name="Frames">Frames in the WAL.</param>
/// <param name="Backfilled">Frames already copied into the database file.</param>
internal sealed record WalIndexProgress(long? CheckpointSequence, long? Frames, long? Backfilled)
{
    /// <summary>Reads the progress of the database at <paramref name="databasePath"/>; fields are null when a file is absent.</summary>
    public static WalIndexProgress Read(string databasePath)
    {
        long? sequence = null, frames = null, backfilled = null;
        Span<byte> header = stackalloc byte[32];
        if (TryReadPrefix(databasePath + "-wal", header))
        {
            // WAL header, big-endian: magic, version, page size, checkpoint sequence number, ...
            sequence = BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
        }

        Span<byte> index = stackalloc byte[136];
        if (TryReadPrefix(databasePath + "-shm", index))
        {
            // WAL-index header, native byte order: mxFrame at 16; WalCkptInfo.nBackfill at 96.
            frames = BitConverter.ToUInt32(index[16..]);
            backfilled = BitConverter.ToUInt32(index[96..]);
        }

        return new WalIndexProgress(sequence, frames, backfilled);
    }

    private static bool TryReadPrefix(string path, Span<byte> buffer)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
