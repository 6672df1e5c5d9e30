using Compozy.Data.Files;
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
/// <para>A second byte says who has the database open: every process whose writer connection is
/// open holds a shared (read) lock on it for as long as it is (<see cref="HoldDatabaseAsync"/>),
/// and <c>compozy db restore</c> replaces the file only when it can take that byte exclusively
/// (<see cref="TryTakeDatabase"/>), which also keeps a writer from opening until it is done.
/// Within one process record locks never conflict, so a restore must run in its own process,
/// as <c>compozy db restore</c> does.</para>
/// <para><see cref="FileStream.Lock"/> is <c>fcntl(F_SETLK)</c> on Unix: one system call each way, on a
/// file this class alone opens (closing any other descriptor of it would drop the lock).</para>
/// </remarks>
internal sealed class SqliteWriterLock(SqliteDatabaseFiles? files, TimeProvider clock) : IDisposable
{
    private const long TurnByte = 0;
    private const long HolderByte = 1;
    private FileStream? _file;
    private FileStream? _holder;

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
        await FileLockWait.UntilTakenAsync(
            () => LockByte(file, TurnByte),
            timeout,
            clock,
            refused => new TimeoutException(
                $"another process has been writing to {files.Database} for more than {timeout.TotalSeconds:F1} s " +
                "(it holds the writer lock). SQLite takes one writing process at a time: wait for it, or stop it.",
                refused),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases the lock taken by <see cref="AcquireAsync"/>.</summary>
    public void Release()
    {
        if (!OperatingSystem.IsMacOS())
        {
            _file?.Unlock(TurnByte, 1);
        }
    }

    /// <summary>
    /// Marks the database as open by this process until <see cref="Dispose"/>: a shared lock,
    /// which any number of processes hold together, waiting up to <paramref name="timeout"/>
    /// while a restore holds it exclusively.
    /// </summary>
    /// <exception cref="TimeoutException">A restore kept the database for longer than <paramref name="timeout"/>.</exception>
    public async Task HoldDatabaseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (files is null || OperatingSystem.IsMacOS() || _holder is not null)
        {
            return;
        }

        // The read-write descriptor first: it creates the file owner-only, and it stays open, so
        // that no close of a short-lived descriptor drops this process's locks.
        _file ??= Open(files.WriterLock);

        // Opened for reading only, so that FileStream.Lock takes a read (shared) lock.
        var holder = new FileStream(files.WriterLock, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite });
        try
        {
            await FileLockWait.UntilTakenAsync(
                () => LockByte(holder, HolderByte),
                timeout,
                clock,
                refused => new TimeoutException(
                    $"{files.Database} is being restored by another process (compozy db restore holds {files.WriterLock}) for more than {timeout.TotalSeconds:F1} s; " +
                    "wait for the restore to finish, then start again",
                    refused),
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await holder.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _holder = holder;
    }

    /// <summary>
    /// Takes the database for this process alone, for a restore: both bytes, exclusively, without
    /// waiting. Returns <see langword="null"/> when another process has the database open or is
    /// writing; dispose the result to give the database back.
    /// </summary>
    public static IDisposable? TryTakeDatabase(SqliteDatabaseFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var file = Open(files.WriterLock);
        if (OperatingSystem.IsMacOS())
        {
            return file;
        }

        try
        {
            file.Lock(TurnByte, 2);
            return file;
        }
        catch (IOException)
        {
            file.Dispose();
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Closing either descriptor drops every lock of this process on the file: both go together.
        _file?.Dispose();
        _file = null;
        _holder?.Dispose();
        _holder = null;
    }

    /// <summary>Locks one byte; throws <see cref="IOException"/> while another process holds it.</summary>
    private static bool LockByte(FileStream file, long position)
    {
        // The callers return early on macOS already; the platform analyzer cannot see that through a lambda.
        if (!OperatingSystem.IsMacOS())
        {
            file.Lock(position, 1);
        }

        return true;
    }

    private static FileStream Open(string path) => PrivateFile.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
}
