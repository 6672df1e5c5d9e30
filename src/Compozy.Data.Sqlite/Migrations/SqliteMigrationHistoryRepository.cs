using Compozy.Data.Files;
using Compozy.Data.Migrations;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Sqlite.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Sqlite.Migrations.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite.Migrations;

// EF1001: SqliteHistoryRepository is marked internal-API. Subclassing it is the only way to add a
// column to the history table and to wrap the migration lock; the migration tests exercise both.
#pragma warning disable EF1001

/// <summary>
/// EF's SQLite history repository with an <c>applied_at</c> column and a migration lock that
/// survives crashes.
/// </summary>
/// <remarks>
/// EF serialises SQLite migrations with a row in <c>__EFMigrationsLock</c>, which a process killed
/// mid-migration leaves behind, making every later run wait forever. Here each run first takes an
/// exclusive lock on a file beside the database; the kernel releases it when the holder dies, so
/// a run that holds it knows any lock row it finds is abandoned and can remove it. The wait for
/// the file lock is bounded by the command timeout (<c>database.migration_timeout</c>).
/// </remarks>
internal sealed class SqliteMigrationHistoryRepository(HistoryRepositoryDependencies dependencies)
    : SqliteHistoryRepository(dependencies)
{

    protected override void ConfigureTable(EntityTypeBuilder<HistoryRow> history)
    {
        base.ConfigureTable(history);
        history.Property(row => row.MigrationId).HasColumnName(MigrationHistory.MigrationIdColumn);
        history.Property(row => row.ProductVersion).HasColumnName(MigrationHistory.ProductVersionColumn);
        history.Property<DateTime>("AppliedAt")
            .HasColumnName(MigrationHistory.AppliedAtColumn)
            .HasDefaultValueSql(SqliteModelCustomizer.CurrentTimestampSql);
    }

    // EF looks both column names up in a model of the history table that it builds with the full
    // convention set the first time it reads the history: a fifth of `compozy migrate status`.
    // ConfigureTable names them with the same constants, so the model is built only when the
    // table is created or written.
    protected override string MigrationIdColumnName => MigrationHistory.MigrationIdColumn;

    protected override string ProductVersionColumnName => MigrationHistory.ProductVersionColumn;

    /// <summary>
    /// Whether the history table exists, after checking that the database file can be read and is
    /// not missing where leftovers show it existed: otherwise EF reads an unreadable or vanished
    /// database as one with no migration applied.
    /// </summary>
    public override bool Exists()
    {
        CheckDatabaseFile();
        return base.Exists();
    }

    /// <inheritdoc cref="Exists" />
    public override Task<bool> ExistsAsync(CancellationToken cancellationToken = default)
    {
        CheckDatabaseFile();
        return base.ExistsAsync(cancellationToken);
    }

    public override IMigrationsDatabaseLock AcquireDatabaseLock()
    {
        // EF's synchronous Migrate() (and so `dotnet ef database update`) calls this synchronous
        // override, which must block while it waits. The layer itself migrates only through
        // MigrateAsync (AcquireDatabaseLockAsync): no host start or stop path comes here.
        var fileLock = AcquireFileLockAsync(CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            ClearAbandonedLockRow();
            return new CombinedLock(this, base.AcquireDatabaseLock(), fileLock);
        }
        catch
        {
            fileLock?.Dispose();
            throw;
        }
    }

    public override async Task<IMigrationsDatabaseLock> AcquireDatabaseLockAsync(CancellationToken cancellationToken = default)
    {
        var fileLock = await AcquireFileLockAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ClearAbandonedLockRow();
            return new CombinedLock(this, await base.AcquireDatabaseLockAsync(cancellationToken).ConfigureAwait(false), fileLock);
        }
        catch
        {
            fileLock?.Dispose();
            throw;
        }
    }

    private async Task<FileStream?> AcquireFileLockAsync(CancellationToken cancellationToken)
    {
        var path = SqliteConnectionFactory.MigrationLockPath(Dependencies.Connection.ConnectionString!);
        if (path is null)
        {
            return null;
        }

        var timeout = TimeSpan.FromSeconds(Dependencies.Connection.CommandTimeout ?? 30);

        // On Unix, FileShare.None takes flock(LOCK_EX | LOCK_NB) on the file. EF Core builds this
        // repository itself, out of reach of the host's TimeProvider: the system clock it is.
        return await FileLockWait.UntilTakenAsync(
            () => PrivateFile.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None),
            timeout,
            TimeProvider.System,
            refused => new TimeoutException(
                $"another migration run has held {path} for longer than {timeout.TotalSeconds:F0} s " +
                "(database.migration_timeout); wait for it to finish, or raise the timeout.",
                refused),
            cancellationToken).ConfigureAwait(false);
    }

    private void CheckDatabaseFile()
    {
        var dataSource = new SqliteConnectionStringBuilder(Dependencies.Connection.ConnectionString).DataSource;
        if (SqliteConnectionFactory.MigrationLockPath(Dependencies.Connection.ConnectionString!) is null)
        {
            return;
        }

        SqliteMissingDatabase.ExistsForReading(new SqliteDatabaseFiles(dataSource));
    }

    private void ClearAbandonedLockRow()
    {
        Dependencies.Connection.Open();
        try
        {
            var connection = (SqliteConnection)Dependencies.Connection.DbConnection;
            using var exists = connection.CreateCommand();
            exists.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{LockTableName}';";
            if ((long)exists.ExecuteScalar()! == 0)
            {
                return;
            }

            using var delete = connection.CreateCommand();
            delete.CommandText = $"DELETE FROM \"{LockTableName}\" RETURNING \"Timestamp\";";
            var abandonedAt = delete.ExecuteScalar();
            if (abandonedAt is not null)
            {
#pragma warning disable CA1848, CA2254 // EF's diagnostics logger exposes a plain ILogger; this is a rare one-off event.
                Dependencies.MigrationsLogger.Logger.LogWarning(
                    $"removed an abandoned migration lock taken at {abandonedAt} by a process that stopped during a migration");
#pragma warning restore CA1848, CA2254
            }
        }
        finally
        {
            Dependencies.Connection.Close();
        }
    }

    /// <summary>EF's lock row plus the file lock; the file lock is released last.</summary>
    private sealed class CombinedLock(IHistoryRepository repository, IMigrationsDatabaseLock inner, FileStream? fileLock)
        : IMigrationsDatabaseLock
    {
        private IMigrationsDatabaseLock _inner = inner;

        IHistoryRepository IMigrationsDatabaseLock.HistoryRepository => repository;

        // When EF re-takes its lock (after a reconnect) the file lock is still held; keep one wrapper.
        IMigrationsDatabaseLock IMigrationsDatabaseLock.ReacquireIfNeeded(bool connectionReopened, bool? transactionRestarted)
        {
            _inner = _inner.ReacquireIfNeeded(connectionReopened, transactionRestarted);
            return this;
        }

        async Task<IMigrationsDatabaseLock> IMigrationsDatabaseLock.ReacquireIfNeededAsync(
            bool connectionReopened, bool? transactionRestarted, CancellationToken cancellationToken)
        {
            _inner = await _inner.ReacquireIfNeededAsync(connectionReopened, transactionRestarted, cancellationToken).ConfigureAwait(false);
            return this;
        }

        public void Dispose()
        {
            try
            {
                _inner.Dispose();
            }
            finally
            {
                fileLock?.Dispose();
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                if (fileLock is not null)
                {
                    await fileLock.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }
}
#pragma warning restore EF1001
