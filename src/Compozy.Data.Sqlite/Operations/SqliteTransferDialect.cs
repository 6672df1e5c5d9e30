using Compozy.Data.Operations;
using Compozy.Data.Operations.Transfer;
using Compozy.Data.Persistence;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Sqlite.Operations;

/// <summary>SQLite's part of <c>db export|import</c>.</summary>
internal sealed class SqliteTransferDialect(SqliteConnectionFactory connections, SqliteDatabaseWriter writer) : ITransferDialect
{
    public async Task<IDbContextTransaction> BeginSnapshotAsync(CompozyDbContext context, CancellationToken cancellationToken)
    {
        // Deferred: a read transaction, one WAL snapshot for every table, that never takes the
        // write lock (EF's BeginTransaction would be BEGIN IMMEDIATE and hold a host's writes back).
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = (SqliteConnection)context.Database.GetDbConnection();
        var transaction = connection.BeginTransaction(deferred: true);
        return (await context.Database.UseTransactionAsync(transaction, cancellationToken).ConfigureAwait(false))!;
    }

    public void EnsureNoOtherWriter()
    {
        // When this process's own writer is open it holds the lock file, and closing a second
        // descriptor of it would drop this process's locks: the check is for a process that has
        // not written yet (the CLI), which is where another host must be refused.
        if (connections.Files is not { } files || writer.IsOpen)
        {
            return;
        }

        using var taken = SqliteWriterLock.TryTakeDatabase(files) ?? throw new DatabaseInUseException(
            $"{files.Database} is in use: a compozy process (compozy start, migrate or db maintenance) has it open and holds {files.WriterLock}. " +
            "Import only into a database no process uses: stop it (a host stops on SIGTERM or Ctrl-C) and run the import again; nothing was written");
    }

    // INTEGER PRIMARY KEY AUTOINCREMENT keeps sqlite_sequence at the largest id inserted,
    // explicit ids included, so there is nothing to bring in line.
    public Task AfterImportAsync(CompozyDbContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
