using Compozy.Data.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations.Internal;

namespace Compozy.Data.Postgres.Migrations;

// EF1001: NpgsqlHistoryRepository and LockReleaseBehavior are marked internal-API. Subclassing is
// the only way to add a column to the history table and to replace the migration lock; the
// migration tests (including concurrent runs) exercise both.
#pragma warning disable EF1001

/// <summary>
/// Npgsql's history repository with an <c>applied_at timestamptz</c> column and a migration lock
/// that covers a whole run.
/// </summary>
/// <remarks>
/// Npgsql's own lock is <c>LOCK TABLE "__EFMigrationsHistory"</c> inside each migration's
/// transaction. EF commits after every migration, which releases that lock, while the run keeps
/// the list of pending migrations it read at the start: a second run can take the lock in
/// between, apply the next migration, and the first run then applies it again (seen as
/// "relation ... already exists"). A session-level advisory lock, taken before the pending list is
/// read and held until the run ends, serialises whole runs. The server releases it if the
/// process dies, so a crash never leaves it behind. The wait is bounded by the command timeout
/// (<c>database.migration_timeout</c>).
/// </remarks>
internal sealed class PostgresMigrationHistoryRepository(HistoryRepositoryDependencies dependencies)
    : NpgsqlHistoryRepository(dependencies)
{
    /// <summary>Takes the advisory lock of Compozy.Data migration runs; the key is "Compozy1" read as a 64-bit number.</summary>
    internal const string LockSql = "SELECT pg_advisory_lock(4859222852630116657)";

    /// <summary>Releases it.</summary>
    internal const string UnlockSql = "SELECT pg_advisory_unlock(4859222852630116657)";

    public override LockReleaseBehavior LockReleaseBehavior => LockReleaseBehavior.Connection;

    protected override void ConfigureTable(EntityTypeBuilder<HistoryRow> history)
    {
        base.ConfigureTable(history);
        history.Property(row => row.MigrationId).HasColumnName(MigrationHistory.MigrationIdColumn);
        history.Property(row => row.ProductVersion).HasColumnName(MigrationHistory.ProductVersionColumn);
        history.Property<DateTime>("AppliedAt")
            .HasColumnName(MigrationHistory.AppliedAtColumn)
            .HasColumnType("timestamp with time zone")
            .HasDefaultValueSql("now()");
    }

    // EF looks both column names up in a model of the history table that it builds with the full
    // convention set the first time it reads the history: a fifth of `compozy migrate status`.
    // ConfigureTable names them with the same constants, so the model is built only when the
    // table is created or written.
    protected override string MigrationIdColumnName => MigrationHistory.MigrationIdColumn;

    protected override string ProductVersionColumnName => MigrationHistory.ProductVersionColumn;

    /// <summary>
    /// The applied migrations; none when the database does not exist yet (SQLSTATE 3D000), which
    /// is how every first <c>migrate up</c> and <c>start</c> begins, before EF creates it.
    /// </summary>
    /// <remarks>
    /// Npgsql's repository learns that the database is missing by opening a connection and
    /// catching the failure, and EF logs a failed open at error level unless the caller declares
    /// errors expected. So the connection is opened here with errors expected (a failure is
    /// logged at debug level), and only 3D000 is taken as the answer; any other failure is thrown
    /// to the caller, which reports it.
    /// </remarks>
    public override IReadOnlyList<HistoryRow> GetAppliedMigrations()
    {
        bool opened;
        try
        {
            opened = Dependencies.Connection.Open(errorsExpected: true);
        }
        catch (NpgsqlException exception) when (IsMissingDatabase(exception))
        {
            return [];
        }

        try
        {
            return base.GetAppliedMigrations();
        }
        finally
        {
            if (opened)
            {
                Dependencies.Connection.Close();
            }
        }
    }

    /// <inheritdoc cref="GetAppliedMigrations"/>
    public override async Task<IReadOnlyList<HistoryRow>> GetAppliedMigrationsAsync(CancellationToken cancellationToken = default)
    {
        bool opened;
        try
        {
            opened = await Dependencies.Connection.OpenAsync(cancellationToken, errorsExpected: true).ConfigureAwait(false);
        }
        catch (NpgsqlException exception) when (IsMissingDatabase(exception))
        {
            return [];
        }

        try
        {
            return await base.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (opened)
            {
                await Dependencies.Connection.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    public override IMigrationsDatabaseLock AcquireDatabaseLock()
    {
        Execute(LockSql);
        return new AdvisoryLock(this);
    }

    public override async Task<IMigrationsDatabaseLock> AcquireDatabaseLockAsync(CancellationToken cancellationToken = default)
    {
        await ExecuteAsync(LockSql, cancellationToken).ConfigureAwait(false);
        return new AdvisoryLock(this);
    }

    // A multi-host connection string reports the failure of each host inside an AggregateException.
    private static bool IsMissingDatabase(NpgsqlException exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => true,
        { InnerException: AggregateException hosts } => hosts.InnerExceptions.Any(inner => inner is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName }),
        _ => false,
    };

    private void Execute(string sql) =>
        Dependencies.RawSqlCommandBuilder.Build(sql).ExecuteScalar(Parameters());

    private Task<object?> ExecuteAsync(string sql, CancellationToken cancellationToken) =>
        Dependencies.RawSqlCommandBuilder.Build(sql).ExecuteScalarAsync(Parameters(), cancellationToken);

    private RelationalCommandParameterObject Parameters() => new(
        Dependencies.Connection,
        null,
        null,
        Dependencies.CurrentContext.Context,
        Dependencies.CommandLogger,
        CommandSource.Migrations);

    private sealed class AdvisoryLock(PostgresMigrationHistoryRepository repository) : IMigrationsDatabaseLock
    {
        IHistoryRepository IMigrationsDatabaseLock.HistoryRepository => repository;

        // A session lock survives transactions; only a new connection (a new session) needs it again.
        IMigrationsDatabaseLock IMigrationsDatabaseLock.ReacquireIfNeeded(bool connectionReopened, bool? transactionRestarted) =>
            connectionReopened ? repository.AcquireDatabaseLock() : this;

        async Task<IMigrationsDatabaseLock> IMigrationsDatabaseLock.ReacquireIfNeededAsync(
            bool connectionReopened, bool? transactionRestarted, CancellationToken cancellationToken) =>
            connectionReopened ? await repository.AcquireDatabaseLockAsync(cancellationToken).ConfigureAwait(false) : this;

        public void Dispose() => repository.Execute(UnlockSql);

        public async ValueTask DisposeAsync() =>
            await repository.ExecuteAsync(UnlockSql, CancellationToken.None).ConfigureAwait(false);
    }
}
#pragma warning restore EF1001
