namespace Compozy.Data.Benchmarks;

/// <summary>
/// The physical baseline: write 4 KiB, then fsync, in a loop. Writes advance through a 16 MiB
/// file and wrap to its start, as SQLite's WAL is appended to and then reused after checkpoints.
/// One fsync per operation is the least a durable commit can cost, so this is the ceiling of
/// synchronous FULL without group commit.
/// </summary>
/// <remarks>
/// With <c>preallocate</c> the whole file is written and synced before the first timed write, so
/// every timed fsync overwrites existing blocks (as a reused WAL does); without it the first pass
/// extends the file, and each of those fsyncs also commits the filesystem's metadata. On a quiet
/// disk the warm-up covers that first pass in a fraction of a second; on a loaded one it does not.
/// </remarks>
internal static class FsyncScenario
{
    private const int BlockSize = 4096;
    private const long FileSize = 16L << 20;

    public static CommitScenario Open(string path, bool preallocate = false)
    {
        var block = new byte[BlockSize];
        Array.Fill(block, (byte)'x');
        long offset = 0;

        // bufferSize 0: each Write goes straight to write(2); Flush(true) is fsync(2).
        var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        if (preallocate)
        {
            for (long position = 0; position < FileSize; position += BlockSize)
            {
                file.Write(block);
            }

            file.Flush(flushToDisk: true);
        }

        return new CommitScenario("fsync", "fsync", synchronous: null, () =>
        {
            file.Position = offset;
            file.Write(block);
            file.Flush(flushToDisk: true);
            offset = (offset + BlockSize) % FileSize;
            return ValueTask.CompletedTask;
        }, file.DisposeAsync);
    }
}
