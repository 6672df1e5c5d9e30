using System.Runtime.CompilerServices;
using Compozy.Data.Errors;
using Compozy.Data.Health;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// Notices when the database file the writer has open is no longer the file at its path: it was
/// deleted (SQLite then writes on into a file no one can open again), or another file was moved
/// to its name. The writer records the file's device and inode when it opens it, and checks the
/// path against them before and after each commit, so no caller is told "committed" for data
/// that went into a file that is gone.
/// </summary>
/// <remarks>
/// <para>Microsoft.Data.Sqlite does not expose the descriptor SQLite opened, so the identity is
/// that of the path taken just before and just after the open; the open is refused when the two
/// differ, which leaves no moment in which another file could have been opened unnoticed.</para>
/// <para>Each commit costs two <c>statx</c> calls of the database path, before and after it.
/// The <c>-wal</c> (deleted by hand, its committed transactions would live only as long as the
/// writer keeps it open) is checked by every readiness probe, every periodic checkpoint and at
/// shutdown.</para>
/// <para>Reads check before they run (<see cref="VerifyBeforeRead"/>): through a path-only
/// descriptor of the file, one <c>statx</c> without a path lookup while the file's link count and
/// status-change time are those the last full check accepted, the path's <c>statx</c> otherwise.</para>
/// <para>Once lost, the database stays lost for this process: writes and reads are refused with
/// <see cref="DbErrorKind.ConnectionFailed"/> (HTTP 503), readiness is down through
/// <see cref="DatabaseFault"/>, and the writer saves what it still has open when it closes.</para>
/// </remarks>
internal sealed partial class SqliteDatabaseFileGuard : IDisposable
{
    private readonly SqliteDatabaseFiles? _files;
    private readonly DatabaseFault _fault;
    private readonly ILogger<SqliteDatabaseFileGuard> _logger;
    private readonly TimeProvider _kernelClock;
    private OpenedFiles? _opened;
    private DescriptorWatch? _watch;
    private string? _lost;
    private long _pathChecks;

    /// <summary>Creates the guard for the database files <paramref name="files"/> (null in memory).</summary>
    /// <param name="files">The database's files; <see langword="null"/> for an in-memory database.</param>
    /// <param name="fault">Told once the database is lost.</param>
    /// <param name="logger">Logs the loss.</param>
    /// <param name="kernelClock">
    /// The time <see cref="VerifyBeforeRead"/> compares a file's status-change time with: the
    /// system's, which the kernel stamps it with. Tests move it ahead so that a file changed a
    /// moment ago counts as settled.
    /// </param>
    public SqliteDatabaseFileGuard(SqliteDatabaseFiles? files, DatabaseFault fault, ILogger<SqliteDatabaseFileGuard> logger, TimeProvider? kernelClock = null)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentNullException.ThrowIfNull(logger);
        _files = files;
        _fault = fault;
        _logger = logger;
        _kernelClock = kernelClock ?? TimeProvider.System;
    }

    /// <summary>Why the database is lost, or <see langword="null"/> while it is not.</summary>
    public string? LostReason => Volatile.Read(ref _lost);

    /// <summary>Whether the database file was found deleted or replaced.</summary>
    public bool IsLost => LostReason is not null;

    /// <summary>How many times the database path was checked (<c>statx</c> of the path); reads that found nothing changed on the file do not count.</summary>
    public long PathChecks => Interlocked.Read(ref _pathChecks);

    /// <summary>Whether the writer's files are recorded and being watched.</summary>
    public bool IsWatching => Volatile.Read(ref _opened) is not null;

    /// <summary>The identity at the database path now, taken just before the writer opens it.</summary>
    public FileIdentity? IdentityBeforeOpen() => _files is null ? null : Identify(_files.Database);

    /// <summary>
    /// Records the files the writer opened: the database, and in WAL mode its <c>-wal</c>.
    /// </summary>
    /// <exception cref="IOException">The database path named another file before the open than after it.</exception>
    public void RecordOpened(FileIdentity? beforeOpen, bool walMode)
    {
        if (_files is null || !UnixFiles.IsSupported)
        {
            return;
        }

        var database = Identify(_files.Database);
        if (database is null || database != beforeOpen)
        {
            throw new IOException(
                $"the SQLite database {_files.Database} was deleted or replaced while the writer was opening it " +
                $"(before: {Describe(beforeOpen)}, after: {Describe(database)}); nothing was written. Find what else changes this file and start again.");
        }

        Volatile.Write(ref _opened, new OpenedFiles(database.Value, walMode ? Identify(_files.Wal) : null, walMode ? Identify(_files.Shm) : null));
        Interlocked.Exchange(ref _watch, DescriptorWatch.Open(_files.Database, database.Value))?.Dispose();
    }

    /// <summary>
    /// Checks that the database path still names the file the writer opened, and with
    /// <paramref name="includeWal"/> its <c>-wal</c> too: one <c>statx</c> per file. The writer
    /// checks the database file around each commit; readiness probes, the periodic checkpoint
    /// and shutdown check the WAL as well. Returns <see langword="false"/> once the database is lost.
    /// </summary>
    public bool Verify(bool includeWal = false)
    {
        if (IsLost)
        {
            return false;
        }

        var opened = Volatile.Read(ref _opened);
        if (opened is null || _files is null)
        {
            return true;
        }

        Interlocked.Increment(ref _pathChecks);
        var problem = Check(_files.Database, opened.Database, "database file")
            ?? (includeWal && opened.Wal is { } wal ? Check(_files.Wal, wal, "write-ahead log") : null);
        if (problem is null)
        {
            return true;
        }

        MarkLost(problem);
        return false;
    }

    /// <summary>
    /// The check before a read: what <see cref="Verify"/> decides, for one system call without a
    /// path lookup while nothing changed. A path-only descriptor of the database file, taken when
    /// the writer opened it, tells whether the file's link count or status-change time moved since
    /// the last full check; deleting the file, renaming it or renaming another file over it
    /// moves both, and only then (or after a checkpoint wrote to it, or within a moment of its
    /// last change, when the time may not have moved yet) does the read pay the path's
    /// <c>statx</c>. Renaming a directory above the file changes nothing on the file itself: the
    /// writer's check around each commit, and the readiness probe, see that one.
    /// </summary>
    public bool VerifyBeforeRead()
    {
        if (IsLost)
        {
            return false;
        }

        var watch = Volatile.Read(ref _watch);
        if (watch is null)
        {
            return Verify();
        }

        var links = watch.Read();
        if (links is { } now && now == watch.Verified)
        {
            return true;
        }

        if (!Verify())
        {
            return false;
        }

        // Read before the path check: a change after it moves the values again.
        watch.Trust(links, _kernelClock.GetUtcNow().UtcDateTime);
        return true;
    }

    /// <summary>
    /// After the writer closed a lost database: deletes the <c>-wal</c> and <c>-shm</c> still at
    /// the path when they are the very files the lost database used. Their content is in the copy
    /// the writer saved; left there, SQLite would apply that WAL to whatever file is put at the
    /// path next (the saved copy, a backup, a file moved in), which damages it.
    /// </summary>
    public void RemoveLostCompanions()
    {
        var opened = Volatile.Read(ref _opened);
        if (!IsLost || opened is null || _files is null)
        {
            return;
        }

        foreach (var (path, identity) in new[] { (_files.Wal, opened.Wal), (_files.Shm, opened.Shm) })
        {
            if (identity is not null && Identify(path) == identity)
            {
                try
                {
                    File.Delete(path);
                    LogLostCompanionRemoved(path);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    LogLostCompanionKept(path, exception.Message);
                }
            }
        }
    }

    /// <summary>Throws the refusal when the database is lost.</summary>
    /// <exception cref="CompozyDataException">The database is lost (<see cref="DbErrorKind.ConnectionFailed"/>).</exception>
    public void ThrowIfLost()
    {
        if (IsLost)
        {
            throw LostError();
        }
    }

    /// <summary>The error callers get once the database is lost; it names no path, as it can reach API clients.</summary>
    public static CompozyDataException LostError() =>
        new(DbErrorKind.ConnectionFailed,
            "the database file was deleted or replaced while the server was running: nothing of this request was committed, " +
            "and the server refuses every read and write until an operator restores the file and restarts it");

    private string? Check(string path, FileIdentity expected, string what)
    {
        var error = UnixFiles.TryStat(path, out var status);
        if (error is UnixFiles.NoSuchFile or UnixFiles.NotADirectory)
        {
            return $"the SQLite {what} {path} was deleted while the host had it open ({expected}); there is no file at that path any more";
        }

        if (error != 0)
        {
            // Not knowing is not proof of loss: the check runs again at the next commit.
            LogCheckFailed(path, UnixFiles.Describe(error));
            return null;
        }

        return status.Identity == expected
            ? null
            : $"the SQLite {what} {path} was replaced while the host had it open: the path now names another file ({status.Identity}, was {expected})";
    }

    private void MarkLost(string reason)
    {
        if (Interlocked.CompareExchange(ref _lost, reason, null) is not null)
        {
            return;
        }

        LogLost(reason);
        _fault.Report(reason + "; writes are refused, and a copy of the database as the host still sees it is saved when the host stops");
    }

    private static FileIdentity? Identify(string path) =>
        UnixFiles.TryStat(path, out var status) == 0 ? status.Identity : null;

    private static string Describe(FileIdentity? identity) => identity?.ToString() ?? "no file";

    [LoggerMessage(EventId = 3050, Level = LogLevel.Error, Message = "database file lost: {Reason}. Writes and reads are refused from now on (HTTP 503), /readyz reports unready, and the host will exit with an error when it stops. Do not start another host on this path before reading docs/operations/troubleshooting.md")]
    private partial void LogLost(string reason);

    [LoggerMessage(EventId = 3054, Level = LogLevel.Warning, Message = "removed {Path}, the file the lost database used, so that it cannot be applied to the next file put at the database path")]
    private partial void LogLostCompanionRemoved(string path);

    [LoggerMessage(EventId = 3055, Level = LogLevel.Error, Message = "could not remove {Path}, which belongs to the lost database: {Error}. Move it aside before putting any file back at the database path")]
    private partial void LogLostCompanionKept(string path, string error);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Warning, Message = "could not check that {Path} is still the database file the writer opened: {Error}")]
    private partial void LogCheckFailed(string path, string error);

    /// <summary>Closes the database file's path-only descriptor.</summary>
    public void Dispose() => Interlocked.Exchange(ref _watch, null)?.Dispose();

    private sealed record OpenedFiles(FileIdentity Database, FileIdentity? Wal, FileIdentity? Shm);

    /// <summary>The database file's path-only descriptor, and what the last full check of the path accepted.</summary>
    private sealed class DescriptorWatch : IDisposable
    {
        // The kernel keeps ctime at its coarse clock's resolution (a few milliseconds), so a
        // change still to come may leave a very recent one as it is: it proves nothing yet.
        private static readonly TimeSpan Settled = TimeSpan.FromMilliseconds(50);

        private readonly UnixPathDescriptor _descriptor;
        private StrongBox<FileLinks>? _verified;

        private DescriptorWatch(UnixPathDescriptor descriptor) => _descriptor = descriptor;

        /// <summary>The values the last full check accepted; <see langword="null"/> until one did.</summary>
        public FileLinks? Verified => Volatile.Read(ref _verified)?.Value;

        /// <summary>
        /// A descriptor of the file at <paramref name="path"/> when it is the one
        /// <paramref name="expected"/> identifies; <see langword="null"/> otherwise (the path
        /// changed since, or the call failed), and every read then checks the path.
        /// </summary>
        public static DescriptorWatch? Open(string path, FileIdentity expected)
        {
            if (UnixFiles.OpenPathOnly(path, out var descriptor) != 0 || descriptor is null)
            {
                return null;
            }

            if (UnixFiles.TryStat(descriptor, out var status) != 0 || status.Identity != expected)
            {
                descriptor.Dispose();
                return null;
            }

            return new DescriptorWatch(descriptor);
        }

        /// <summary>The file's values now; <see langword="null"/> when they cannot be read (the full check decides).</summary>
        public FileLinks? Read()
        {
            try
            {
                return UnixFiles.TryLinksAndChange(_descriptor, out var links) == 0 ? links : null;
            }
            catch (ObjectDisposedException)
            {
                // The writer reopened the database and replaced this watch meanwhile.
                return null;
            }
        }

        /// <summary>Accepts <paramref name="links"/>, read before a full check that passed, unless unknown or too recent to prove anything.</summary>
        public void Trust(FileLinks? links, DateTime now) =>
            Volatile.Write(ref _verified, links is { } value && now - value.ChangedAt >= Settled ? new StrongBox<FileLinks>(value) : null);

        public void Dispose() => _descriptor.Dispose();
    }
}
