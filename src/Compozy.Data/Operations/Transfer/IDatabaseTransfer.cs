using Compozy.Data.Migrations;

namespace Compozy.Data.Operations.Transfer;

/// <summary>
/// <c>compozy db export|import</c>: a portable dump of every table of the model, in the format
/// described in docs/cli/db.md, that moves a deployment between SQLite and PostgreSQL.
/// </summary>
/// <remarks>
/// The dump is written and read as a stream, one row at a time, so that no table is held in
/// memory. Knowledge chunks are exported as the database holds them: a knowledge base whose
/// vector database keeps its chunks outside the database (Qdrant) has no chunks in the dump, and
/// the export report names it.
/// </remarks>
public interface IDatabaseTransfer
{
    /// <summary>
    /// Writes every table of the database to <paramref name="output"/> (left open). Each table is
    /// read in its own read transaction; run it while no host writes to get one consistent moment.
    /// The report names the tables with their row counts (<c>tables</c>), the schema (<c>migration</c>)
    /// and the knowledge bases whose chunks are not in the database.
    /// </summary>
    /// <exception cref="NewerSchemaException">The database has migrations this build does not know.</exception>
    /// <exception cref="Startup.PendingMigrationsException">The database is not migrated to this build's schema.</exception>
    Task<DatabaseReport> ExportAsync(Stream output, IProgress<DatabaseTransferProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Imports a dump into this database, which must be migrated to this build's schema and hold
    /// no rows. <paramref name="openDump"/> is called twice: a first pass checks the whole dump
    /// (format, schema, every table's count and checksum) before anything is written; the second
    /// writes it in batches of rows, one transaction each. At the end every table is read back and
    /// its count and checksum compared with the dump's. A failure after the first batch deletes
    /// what the import wrote, so the target is left empty as it was.
    /// </summary>
    /// <exception cref="TransferRefusedException">The dump or the target cannot be used (not a dump, target not empty, at another migration than the dump); nothing was written.</exception>
    /// <exception cref="Startup.PendingMigrationsException">The target is not migrated to this build's schema; nothing was written.</exception>
    /// <exception cref="DatabaseIntegrityException">The dump is damaged or truncated (a count or checksum does not match); nothing was written.</exception>
    /// <exception cref="NewerSchemaException">The dump comes from a schema this build does not know; nothing was written.</exception>
    /// <exception cref="DatabaseInUseException">Another process has the SQLite database open; nothing was written.</exception>
    /// <param name="dumpName">The dump's name in messages (its path).</param>
    /// <param name="openDump">Opens the dump from its start; called once per pass.</param>
    /// <param name="progress">Receives the table and rows done, about every batch.</param>
    /// <param name="cancellationToken">Stops the import; what it wrote is deleted.</param>
    Task<DatabaseReport> ImportAsync(string dumpName, Func<Stream> openDump, IProgress<DatabaseTransferProgress>? progress, CancellationToken cancellationToken);
}
