using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// The savepoint around each unit of a group-committed batch, as three statements prepared once
/// on the writer connection: <c>SAVEPOINT</c>, <c>RELEASE</c> and <c>ROLLBACK TO</c>.
/// </summary>
/// <remarks>
/// <para><see cref="SqliteTransaction.Save"/> and its siblings build, compile and finalize a new
/// statement for every call: two compilations per write at 64 writers, about a tenth of the
/// writer's time (bench/README.md, "Savepoints prepared once"). These are compiled once and then
/// only reset.</para>
/// <para>One name serves every unit: the loop runs the units of a batch one after another, and
/// each unit's savepoint is released (after a rollback to it, when the unit failed) before the
/// next one is taken, so at most one exists at a time.</para>
/// <para>Bound to one connection and used by its one writer loop; when the connection closes,
/// Microsoft.Data.Sqlite finalizes the prepared statements, and <see cref="Dispose"/> does too.</para>
/// </remarks>
internal sealed class SqliteUnitSavepoints : IDisposable
{
    private readonly SqliteCommand _save;
    private readonly SqliteCommand _release;
    private readonly SqliteCommand _rollBack;

    /// <param name="connection">The open writer connection.</param>
    public SqliteUnitSavepoints(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _save = Create(connection, "SAVEPOINT unit;");
        _release = Create(connection, "RELEASE unit;");
        _rollBack = Create(connection, "ROLLBACK TO unit;");
    }

    /// <summary>Takes the unit's savepoint inside <paramref name="transaction"/>.</summary>
    public void Save(SqliteTransaction transaction) => Run(_save, transaction);

    /// <summary>Keeps what the unit wrote: its savepoint is released into the transaction.</summary>
    public void Release(SqliteTransaction transaction) => Run(_release, transaction);

    /// <summary>Undoes what the unit wrote and releases its savepoint, leaving the rest of the transaction as it was.</summary>
    /// <exception cref="SqliteException">The transaction itself ended (an I/O error or a full disk rolls it back whole), so the savepoint is gone.</exception>
    public void RollBack(SqliteTransaction transaction)
    {
        Run(_rollBack, transaction);
        Run(_release, transaction);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _save.Dispose();
        _release.Dispose();
        _rollBack.Dispose();
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Run(SqliteCommand command, SqliteTransaction transaction)
    {
        // Microsoft.Data.Sqlite refuses a command without the connection's current transaction.
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
