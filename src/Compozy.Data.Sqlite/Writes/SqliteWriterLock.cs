using Compozy.Data.Sqlite.FileSystem;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// Serialises writer turns across processes: a POSIX record lock on <c>&lt;db&gt;.writer-lock</c>
/// (named from the database's real path, so that every path to it, through links or not, takes the same lock),
/// taken for each turn of the writer connection and released after it. Inside one process the
/// writer's own turn already serialises; this extends it to a second process on the same file
/// (<c>compozy migrate</c> or <c>compozy db maintenance</c> next to a running host), so no two
/// connections ever write or checkpoint at the same moment. The kernel drops the lock when the
/// holder dies.
/// </summary>
/// <remarks>
/// <see cref="FileStream.Lock"/> is <c>fcntl(F_SETLK)</c> on Unix: one system call each way, on a
/// file this class alone opens (closing any other descriptor of it would drop the lock).
/// </remarks>
internal sealed class SqliteWriterLock(SqliteDatabaseFiles? files) : IDisposable
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(50);
    private FileStream? _file;

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/> for another process to release it.</summary>
    /// <exception cref="TimeoutException">Another process held it for longer than <paramref name="timeout"/>.</exception>
    public async Task AcquireAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // macOS has no FileStream record locks; the layer targets Linux servers, where it does.
        if (files is null || OperatingSystem.IsMacOS())
        {
            return;
        }

        var file = _file ??= Open(files.WriterLock);
        var deadline = DateTime.UtcNow + timeout;
        var pause = FirstPause;
        while (true)
        {
            try
            {
                file.Lock(0, 1);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
            catch (IOException exception)
            {
                throw new TimeoutException(
                    $"another process has been writing to {files.Database} for more than {timeout.TotalSeconds:F1} s " +
                    "(it holds the writer lock). SQLite takes one writing process at a time: wait for it, or stop it.",
                    exception);
            }
        }
    }

    /// <summary>Releases the lock taken by <see cref="AcquireAsync"/>.</summary>
    public void Release()
    {
        if (!OperatingSystem.IsMacOS())
        {
            _file?.Unlock(0, 1);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private static FileStream Open(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }
}
