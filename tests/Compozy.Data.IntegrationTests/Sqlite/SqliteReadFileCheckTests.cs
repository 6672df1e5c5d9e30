using System.Globalization;
using Compozy.Data.Health;
using Compozy.Data.Sqlite.FileSystem;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Compozy.Data.IntegrationTests.Sqlite;

/// <summary>
/// The lost-file check before each read (<see cref="SqliteDatabaseFileGuard.VerifyBeforeRead"/>):
/// it skips the path lookup only while the file's link count and status-change time are those a
/// full check accepted, so every way of taking the file away from its path is still refused on
/// the next read. Real files on the test machine's filesystem.
/// </summary>
public sealed class SqliteReadFileCheckTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"compozy-readcheck-{Guid.NewGuid():N}");

    public SqliteReadFileCheckTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "compozy.db");

    [Fact]
    public void Reads_after_a_full_check_skip_the_path_while_nothing_changed_on_the_file()
    {
        using var guard = Watching(settledClock: true);

        guard.VerifyBeforeRead().ShouldBeTrue();
        var checks = guard.PathChecks;
        checks.ShouldBeGreaterThan(0);
        for (var read = 0; read < 100; read++)
        {
            guard.VerifyBeforeRead().ShouldBeTrue();
        }

        guard.PathChecks.ShouldBe(checks, "nothing changed on the file, so no read needed the path");
    }

    [Fact]
    public void Every_read_checks_the_path_while_the_files_last_change_is_too_recent_to_prove_anything()
    {
        // The system clock: the file was written a moment ago, within the kernel clock's resolution.
        using var guard = Watching(settledClock: false);

        var before = guard.PathChecks;
        guard.VerifyBeforeRead().ShouldBeTrue();
        guard.VerifyBeforeRead().ShouldBeTrue();

        guard.PathChecks.ShouldBe(before + 2);
    }

    [Fact]
    public void A_read_after_the_file_is_deleted_is_refused()
    {
        using var guard = Trusted();

        File.Delete(DatabasePath);

        guard.VerifyBeforeRead().ShouldBeFalse();
        guard.LostReason.ShouldNotBeNull().ShouldContain("was deleted");
    }

    [Fact]
    public void A_read_after_the_file_is_moved_away_is_refused_though_it_keeps_its_one_name()
    {
        using var guard = Trusted();

        File.Move(DatabasePath, DatabasePath + ".aside");

        guard.VerifyBeforeRead().ShouldBeFalse("the rename moved the file's status-change time");
        guard.LostReason.ShouldNotBeNull().ShouldContain("no file at that path");
    }

    [Fact]
    public void A_read_after_another_file_is_moved_over_it_is_refused()
    {
        using var guard = Trusted();
        var other = Path.Combine(_directory, "other.db");
        File.WriteAllText(other, "another database");

        File.Move(other, DatabasePath, overwrite: true);

        guard.VerifyBeforeRead().ShouldBeFalse();
        guard.LostReason.ShouldNotBeNull().ShouldContain("was replaced");
    }

    [Fact]
    public void A_read_after_the_file_gets_a_second_name_and_loses_the_first_is_refused()
    {
        using var guard = Trusted();
        var second = Path.Combine(_directory, "second-name.db");

        UnixFiles.HardLink(DatabasePath, second).ShouldBe(0);
        guard.VerifyBeforeRead().ShouldBeTrue("a second name takes nothing away from the path");
        File.Delete(DatabasePath);

        guard.VerifyBeforeRead().ShouldBeFalse();
    }

    [Fact]
    public void Closing_the_path_only_descriptor_keeps_the_locks_sqlite_holds_on_the_file_and_closing_an_ordinary_one_would_not()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);");
        var inode = new FileInfo(DatabasePath).Exists ? Inode(DatabasePath) : throw new InvalidOperationException("no database file");
        var held = LocksOnInode(inode);
        held.ShouldBeGreaterThan(0, "BEGIN EXCLUSIVE takes POSIX locks on the database file");

        UnixFiles.OpenPathOnly(DatabasePath, out var descriptor).ShouldBe(0);
        descriptor.ShouldNotBeNull().Dispose();
        LocksOnInode(inode).ShouldBe(held, "an O_PATH descriptor's close must not drop SQLite's locks");

        // The control: the kernel drops every POSIX lock of the process on a file when any
        // ordinary descriptor of it is closed, which is what the O_PATH descriptor avoids.
        File.OpenHandle(DatabasePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite).Dispose();
        LocksOnInode(inode).ShouldBe(0);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>A guard watching a new file at <see cref="DatabasePath"/>, as the writer leaves it after opening the database.</summary>
    private SqliteDatabaseFileGuard Watching(bool settledClock)
    {
        File.WriteAllText(DatabasePath, "database");
        var clock = settledClock ? new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1)) : null;
        var guard = new SqliteDatabaseFileGuard(new SqliteDatabaseFiles(DatabasePath), new DatabaseFault(), NullLogger<SqliteDatabaseFileGuard>.Instance, clock);
        guard.RecordOpened(guard.IdentityBeforeOpen(), walMode: false);
        return guard;
    }

    /// <summary>A guard whose last full check was accepted, so that the next read takes the path-free route unless the file changed.</summary>
    private SqliteDatabaseFileGuard Trusted()
    {
        var guard = Watching(settledClock: true);
        guard.VerifyBeforeRead().ShouldBeTrue();
        var checks = guard.PathChecks;
        guard.VerifyBeforeRead().ShouldBeTrue();
        guard.PathChecks.ShouldBe(checks, "the watch is in use");
        return guard;
    }

    private static ulong Inode(string path)
    {
        UnixFiles.TryStat(path, out var status).ShouldBe(0);
        return status.Identity.Inode;
    }

    /// <summary>This process's POSIX locks on the inode, from /proc/locks (<c>… POSIX … pid major:minor:inode …</c>).</summary>
    private static int LocksOnInode(ulong inode)
    {
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var suffix = ":" + inode.ToString(CultureInfo.InvariantCulture);
        return File.ReadAllLines("/proc/locks")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields.Contains("POSIX") && fields.Contains(pid) && fields.Any(field => field.EndsWith(suffix, StringComparison.Ordinal)));
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
