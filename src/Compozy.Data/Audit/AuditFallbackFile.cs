using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Compozy.Data.Entities;

namespace Compozy.Data.Audit;

/// <summary>
/// The fallback file of the audit log: one JSON object per line, owner-only (0600), fsynced after
/// each line. Appends and the hand-over to a replay take an exclusive lock on a companion
/// <c>.lock</c> file (flock, so the host and a CLI command on the same file do not interleave); a
/// replay renames the file to <c>.replaying</c> under that lock, so a line appended afterwards goes
/// to a new file and is never removed with the replayed ones.
/// </summary>
internal sealed class AuditFallbackFile : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly SemaphoreSlim _gate = new(1, 1);

    public AuditFallbackFile(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        ReplayingPath = Path + ".replaying";
        LockPath = Path + ".lock";
    }

    /// <summary>The file entries are appended to.</summary>
    public string Path { get; }

    /// <summary>The file a replay reads; left behind by a replay that stopped, and read first by the next one.</summary>
    public string ReplayingPath { get; }

    private string LockPath { get; }

    public static string Serialize(AuditEvent audit) => JsonSerializer.Serialize(audit, Json);

    public static AuditEvent? Deserialize(string line) => JsonSerializer.Deserialize<AuditEvent>(line, Json);

    /// <summary>Appends one entry and fsyncs it; returns once it is on disk.</summary>
    public async Task AppendAsync(AuditEvent audit, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(Serialize(audit) + "\n");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var fileLock = await TakeLockAsync(cancellationToken).ConfigureAwait(false);
            var created = !File.Exists(Path);
            using (var stream = new FileStream(Path, Private(new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite })))
            {
                // A file made by hand or by an older copy may be wider; entries name who did what.
                if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(stream.SafeFileHandle) & ~OwnerOnly) != 0)
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, OwnerOnly);
                }

                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (created)
            {
                SyncDirectory();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The file a replay should read now: the <c>.replaying</c> file a stopped replay left, or the
    /// fallback file renamed to it; <see langword="null"/> when there is nothing to replay.
    /// </summary>
    public async Task<string?> TakeForReplayAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(ReplayingPath))
        {
            return ReplayingPath;
        }

        if (!File.Exists(Path))
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var fileLock = await TakeLockAsync(cancellationToken).ConfigureAwait(false);
            if (File.Exists(ReplayingPath))
            {
                return ReplayingPath;
            }

            if (!File.Exists(Path))
            {
                return null;
            }

            File.Move(Path, ReplayingPath);
            SyncDirectory();
            return ReplayingPath;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes a replayed file; its entries are all in the table.</summary>
    public void Remove(string replayed)
    {
        File.Delete(replayed);
        SyncDirectory();
    }

    /// <summary>Lines waiting in the fallback and <c>.replaying</c> files.</summary>
    public long CountPending() => CountLines(Path) + CountLines(ReplayingPath);

    private static long CountLines(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[64 * 1024];
            long lines = 0;
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }

            return lines;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
    }

    private async Task<FileStream> TakeLockAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                // FileShare.None takes flock(LOCK_EX) on Unix: held until the stream is disposed.
                return new FileStream(LockPath, Private(new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None }));
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(LockPath))
            {
                // Another process appends or hands the file to a replay: microseconds of work.
                await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _gate.Dispose();

    private static FileStreamOptions Private(FileStreamOptions options)
    {
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return options;
    }

    private void SyncDirectory()
    {
        // Best effort: the line itself is already fsynced; a failed directory sync only widens the
        // window in which a power loss could forget the file's name.
        _ = AuditDirectorySync.Sync(System.IO.Path.GetDirectoryName(Path)!);
    }
}
