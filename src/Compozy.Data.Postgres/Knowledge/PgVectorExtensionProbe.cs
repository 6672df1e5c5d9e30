using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pgvector;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// What the database's pgvector is: whether it is there, its version (which decides HNSW and
/// iterative scans), and whether this process's data source can read its <c>vector</c> type.
/// </summary>
internal sealed partial class PgVectorExtensionProbe(
    VectorDatabaseOptions options,
    IDbContextFactory<CompozyDbContext> contexts,
    NpgsqlDataSource dataSource,
    RelationalVectorStoreErrors errors,
    ILogger logger)
{
    private Version? _version;

    /// <summary>The version read last, or <see langword="null"/> before the first read.</summary>
    public Version? Version => Volatile.Read(ref _version);

    /// <summary>Checks the version and the type; see <see cref="PgVectorStore.CheckAsync"/>.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var version = await ReadVersionAsync(cancellationToken).ConfigureAwait(false);
        if (version < PgVectorStore.MinimumVersion)
        {
            throw errors.Create(
                VectorStoreErrorKind.Mismatch,
                $"the database has pgvector {version}, which has no HNSW index; install pgvector {PgVectorStore.MinimumVersion} or later on the server, then run ALTER EXTENSION vector UPDATE");
        }

        if (!await CanReadVectorsAsync(cancellationToken).ConfigureAwait(false))
        {
            // The data source loaded its type catalog before CREATE EXTENSION vector ran.
            await dataSource.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
            if (!await CanReadVectorsAsync(cancellationToken).ConfigureAwait(false))
            {
                throw errors.Create(VectorStoreErrorKind.Unknown, $"pgvector {version} is installed, but its vector type cannot be read; was the data source built without UseVector()?");
            }
        }

        LogChecked(options.Id, version);
    }

    /// <summary>Reads the installed version and remembers it; fails with what to do when pgvector is not created in the database.</summary>
    public async Task<Version> ReadVersionAsync(CancellationToken cancellationToken)
    {
        var (installed, available, database) = await PgVectorCommands.ReadAsync(
            contexts,
            async (connection, token) =>
            {
                await using var command = new NpgsqlCommand(
                    "SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector'), " +
                    "(SELECT default_version FROM pg_available_extensions WHERE name = 'vector'), current_database()",
                    connection);
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await reader.ReadAsync(token).ConfigureAwait(false);
                return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2));
            },
            cancellationToken).ConfigureAwait(false);

        if (installed is null)
        {
            throw errors.Create(
                VectorStoreErrorKind.Unavailable,
                available is null
                    ? $"the PostgreSQL server has no pgvector extension. Install pgvector {PgVectorStore.MinimumVersion} or later on the server (for example the postgresql-<version>-pgvector package, or from source: https://github.com/pgvector/pgvector#installation), then run `compozy migrate up`, which creates it in database \"{database}\""
                    : $"pgvector {available} is installed on the server but not created in database \"{database}\". Run `compozy migrate up` (it runs CREATE EXTENSION vector, which needs a role allowed to create extensions), or have an administrator run CREATE EXTENSION vector in that database");
        }

        var version = ParseVersion(installed);
        Volatile.Write(ref _version, version);
        return version;
    }

    private async Task<bool> CanReadVectorsAsync(CancellationToken cancellationToken)
    {
        var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var command = new NpgsqlCommand("SELECT '[1,2,3]'::vector", (NpgsqlConnection)context.Database.GetDbConnection());
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return reader.GetFieldValue<Vector>(0).ToArray() is [1, 2, 3];
            }
            catch (Exception exception) when (exception is InvalidCastException or NotSupportedException)
            {
                // Npgsql does not know the type: its catalog predates the extension.
                return false;
            }
            finally
            {
                await context.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
    }

    private static Version ParseVersion(string text)
    {
        // pgvector versions are major.minor.patch; anything after a '-' or a space is a build tag.
        var core = text.Split(['-', ' '], 2)[0];
        return Version.TryParse(core, out var version) ? version : new Version(0, 0);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "pgvector store \"{Id}\": pgvector {Version} is installed")]
    private partial void LogChecked(string id, Version version);
}
