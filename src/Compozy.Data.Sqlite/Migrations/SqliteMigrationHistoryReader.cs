using System.Reflection;
using Compozy.Data.Migrations;
using Compozy.Data.Migrations.Sqlite;
using Compozy.Data.Persistence;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.FileSystem;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Migrations;

/// <summary>
/// The history of a SQLite database read on a connection of its own, without a context: the
/// migrations from the SQLite migrations assembly (<see cref="MigrationCatalog"/>), the rows from
/// <c>__EFMigrationsHistory</c>.
/// </summary>
/// <remarks>
/// It makes the checks EF's path makes (<see cref="SqliteMigrationHistoryRepository"/> and the read
/// contexts' interceptors): the files must be readable, a missing file reads as nothing applied
/// and is not created unless leftovers show it was lost, a lost file is refused, and the
/// connection gets the readers' profile (<c>query_only</c>, the busy timeout).
/// </remarks>
internal sealed class SqliteMigrationHistoryReader(
    SqliteConnectionFactory connections, SqliteConnectionSetup setup, SqliteDatabaseFileGuard guard) : IMigrationHistoryReader
{
    private const string HistoryTableExistsSql =
        $"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{MigrationHistory.TableName}';";

    private static readonly IReadOnlyDictionary<string, TypeInfo> Known =
        MigrationCatalog.Find(typeof(SqliteMigrationsAssembly).Assembly, typeof(CompozyDbContext));

    public IReadOnlyDictionary<string, TypeInfo> KnownMigrations => Known;

    public Task<IReadOnlyDictionary<string, DateTime?>> ReadAppliedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyDictionary<string, DateTime?>>(ReadApplied());
    }

    private Dictionary<string, DateTime?> ReadApplied()
    {
        var applied = new Dictionary<string, DateTime?>(StringComparer.Ordinal);
        if (connections.Files is { } files && !SqliteMissingDatabase.ExistsForReading(files))
        {
            return applied;
        }

        if (!guard.Verify())
        {
            throw SqliteDatabaseFileGuard.LostError();
        }

        using var connection = new SqliteConnection(connections.ReaderConnectionString);
        connection.Open();
        setup.Apply(connection, SqliteConnectionRole.Reader);
        using var command = connection.CreateCommand();
        command.CommandText = HistoryTableExistsSql;
        if (command.ExecuteScalar() is null)
        {
            return applied;
        }

        command.CommandText = MigrationHistory.SelectAppliedSql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            applied[reader.GetString(0)] = reader.IsDBNull(1) ? null : DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
        }

        return applied;
    }
}
