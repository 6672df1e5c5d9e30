using System.Data;
using Compozy.Data.Operations;
using Compozy.Data.Operations.Transfer;
using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Postgres.Operations;

/// <summary>PostgreSQL's part of <c>db export|import</c>.</summary>
internal sealed class PostgresTransferDialect : ITransferDialect
{
    public async Task<IDbContextTransaction> BeginSnapshotAsync(CompozyDbContext context, CancellationToken cancellationToken)
    {
        // REPEATABLE READ: one snapshot for every table; READ ONLY: no lock a writer waits for.
        var transaction = await context.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await context.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY", cancellationToken).ConfigureAwait(false);
        return transaction;
    }

    // A server database has no lock file to ask; the import refuses a target that holds rows,
    // and docs/cli/db.md says to stop hosts first.
    public void EnsureNoOtherWriter()
    {
    }

    public async Task AfterImportAsync(CompozyDbContext context, CancellationToken cancellationToken)
    {
        // Rows were inserted with their ids, which an identity column does not count: without
        // this the next row the API adds would get id 1 again.
        var sql = context.GetService<ISqlGenerationHelper>();
        foreach (var entityType in context.Model.GetEntityTypes())
        {
            var table = entityType.GetTableName();
            var key = entityType.FindPrimaryKey();
            if (table is null || key is not { Properties: [var id] } || id.ValueGenerated != ValueGenerated.OnAdd || id.ClrType != typeof(long) && id.ClrType != typeof(int))
            {
                continue;
            }

            var column = id.GetColumnName();
            var quotedTable = sql.DelimitIdentifier(table);
            var quotedColumn = sql.DelimitIdentifier(column);
#pragma warning disable EF1002 // The names are the model's own identifiers, quoted; no input reaches this SQL.
            await context.Database.ExecuteSqlRawAsync(
                $"SELECT setval(pg_get_serial_sequence({{0}}, {{1}}), COALESCE((SELECT MAX({quotedColumn}) FROM {quotedTable}), 0) + 1, false)",
                [quotedTable, column],
                cancellationToken).ConfigureAwait(false);
#pragma warning restore EF1002
        }
    }
}
