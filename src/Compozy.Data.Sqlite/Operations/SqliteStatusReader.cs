using System.Buffers.Binary;
using System.Globalization;
using Compozy.Data.Operations;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.FileSystem;

namespace Compozy.Data.Sqlite.Operations;

/// <summary>
/// <c>compozy db status</c> for SQLite: file, journal and WAL state, checkpoint progress and
/// optionally integrity, read through an inspection connection that never writes or
/// checkpoints, so it is safe next to a running host.
/// </summary>
/// <remarks>
/// Checkpoint progress comes from the files themselves: the WAL header's checkpoint sequence
/// number, and the <c>-shm</c> index's frame count and backfilled frames (SQLite's documented
/// WAL-index layout). Asking SQLite instead (<c>wal_checkpoint</c>) would run a checkpoint from a
/// second connection, which this layer never does.
/// </remarks>
public sealed class SqliteStatusReader(SqliteConnectionFactory connections, IFileSystemProbe probe) : IDatabaseStatusReader
{
    /// <inheritdoc />
    public Task<DatabaseReport> ReadAsync(string? integrityCheck, CancellationToken cancellationToken) =>
        Task.Run(() => Read(integrityCheck), cancellationToken);

    private DatabaseReport Read(string? integrityCheck)
    {
        var options = connections.Options;
        var facts = new List<KeyValuePair<string, object?>> { new("path", options.Path) };
        if (options.IsInMemory)
        {
            facts.Add(new("note", "an in-memory database belongs to the process that opened it; another process sees a new, empty one"));
            return new DatabaseReport(facts);
        }

        var exists = File.Exists(options.Path);
        facts.Add(new("exists", exists));
        facts.Add(new("filesystem", probe.Probe(Path.GetDirectoryName(options.Path)!).ToString()));
        facts.Add(new("synchronous_configured", options.Synchronous.ToString().ToUpperInvariant()));
        if (!exists)
        {
            return new DatabaseReport(facts);
        }

        using (var connection = SqliteInspectionConnection.Open(options.Path, options.BusyTimeout))
        {
            facts.Add(new("journal_mode", Scalar(connection, "PRAGMA journal_mode;")));
            facts.Add(new("auto_vacuum", Scalar(connection, "PRAGMA auto_vacuum;") switch { "0" => "NONE", "1" => "FULL", "2" => "INCREMENTAL", var other => other }));
            var pageSize = long.Parse(Scalar(connection, "PRAGMA page_size;"), CultureInfo.InvariantCulture);
            var pageCount = long.Parse(Scalar(connection, "PRAGMA page_count;"), CultureInfo.InvariantCulture);
            facts.Add(new("page_size", pageSize));
            facts.Add(new("page_count", pageCount));
            facts.Add(new("freelist_count", long.Parse(Scalar(connection, "PRAGMA freelist_count;"), CultureInfo.InvariantCulture)));
            facts.Add(new("database_bytes", pageSize * pageCount));
        }

        facts.Add(new("file_bytes", new FileInfo(options.Path).Length));
        facts.Add(new("wal_bytes", connections.WalSize));
        var (sequence, frames, backfilled) = ReadCheckpointProgress(options.Path);
        facts.Add(new("wal_checkpoint_sequence", sequence));
        facts.Add(new("wal_frames", frames));
        facts.Add(new("wal_frames_checkpointed", backfilled));

        if (integrityCheck is not null)
        {
            var full = string.Equals(integrityCheck, "full", StringComparison.OrdinalIgnoreCase);
            var messages = SqliteInspectionConnection.CheckIntegrity(options.Path, options.BusyTimeout, full);
            facts.Add(new("integrity_check", full ? "integrity_check" : "quick_check"));
            facts.Add(new("integrity", messages is ["ok"] ? "ok" : string.Join("; ", messages)));
            facts.Add(new("integrity_ok", messages is ["ok"]));
        }

        return new DatabaseReport(facts);
    }

    private static (long? Sequence, long? Frames, long? Backfilled) ReadCheckpointProgress(string path)
    {
        long? sequence = null, frames = null, backfilled = null;
        Span<byte> header = stackalloc byte[32];
        if (TryReadPrefix(path + "-wal", header))
        {
            // WAL header, big-endian: magic, version, page size, checkpoint sequence number, ...
            sequence = BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
        }

        Span<byte> index = stackalloc byte[136];
        if (TryReadPrefix(path + "-shm", index))
        {
            // WAL-index header, native byte order: mxFrame at 16; WalCkptInfo.nBackfill at 96.
            frames = BitConverter.ToUInt32(index[16..]);
            backfilled = BitConverter.ToUInt32(index[96..]);
        }

        return (sequence, frames, backfilled);
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

    private static string Scalar(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? string.Empty;
    }
}
