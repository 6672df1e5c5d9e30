using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Operations.Transfer;

/// <summary>What an export or import needs from the provider beyond the model.</summary>
public interface ITransferDialect
{
    /// <summary>
    /// Starts a read-only transaction on <paramref name="context"/> that sees one moment of the
    /// database across every table, without taking a lock that would hold writers back.
    /// </summary>
    Task<IDbContextTransaction> BeginSnapshotAsync(CompozyDbContext context, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="DatabaseInUseException"/> when another process has the database open to write.</summary>
    void EnsureNoOtherWriter();

    /// <summary>Brings what the rows alone do not carry (identity sequences) in line with the imported rows, inside the writer's transaction.</summary>
    Task AfterImportAsync(CompozyDbContext context, CancellationToken cancellationToken);
}
