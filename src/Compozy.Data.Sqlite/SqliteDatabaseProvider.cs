using Compozy.Data.Configuration;
using Compozy.Data.Providers;
using Compozy.Data.Sqlite.Configuration;

namespace Compozy.Data.Sqlite;

/// <summary>
/// The SQLite provider (<c>database.driver: sqlite</c>): an embedded database in one file, or in
/// memory for the life of the host.
/// </summary>
public sealed class SqliteDatabaseProvider : IDatabaseProvider
{
    /// <summary>The driver name.</summary>
    public const string DriverName = "sqlite";

    /// <inheritdoc />
    public string Driver => DriverName;

    /// <inheritdoc />
    public IReadOnlyList<ConfigurationKey> ConfigurationKeys => SqliteConfigurationKeys.All;

    /// <inheritdoc />
    public IConfiguredDatabaseProvider Configure(ConfigurationReader reader, CompozyDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);

        var path = ReadPath(reader);
        var busyTimeout = reader.Read<TimeSpan>(SqliteConfigurationKeys.BusyTimeout);
        ValidateVectorDatabases(reader, options.Knowledge);

        return new ConfiguredSqliteProvider(new SqliteOptions { Path = path ?? string.Empty, BusyTimeout = busyTimeout });
    }

    private static string? ReadPath(ConfigurationReader reader)
    {
        var raw = reader.Read<string>(SqliteConfigurationKeys.Path);
        if (string.IsNullOrWhiteSpace(raw))
        {
            reader.AddProblem(
                SqliteConfigurationKeys.Path.Path,
                "sqlite driver requires path; allowed: a file path such as .compozy/compozy.db, or :memory:");
            return null;
        }

        if (raw == SqliteConfigurationKeys.InMemoryPath)
        {
            return raw;
        }

        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(raw);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            reader.AddProblem(SqliteConfigurationKeys.Path.Path, $"\"{raw}\" is not a valid file path: {exception.Message}");
            return null;
        }

        if (Directory.Exists(fullPath))
        {
            reader.AddProblem(
                SqliteConfigurationKeys.Path.Path,
                $"\"{raw}\" is a directory; allowed: the path of a database file, for example {Path.Combine(raw, "compozy.db")}");
            return null;
        }

        for (var parent = Path.GetDirectoryName(fullPath); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                reader.AddProblem(
                    SqliteConfigurationKeys.Path.Path,
                    $"\"{raw}\" cannot be created because {parent} is a file, not a directory");
                return null;
            }

            if (Directory.Exists(parent))
            {
                break;
            }
        }

        return fullPath;
    }

    private static void ValidateVectorDatabases(ConfigurationReader reader, KnowledgeOptions knowledge)
    {
        foreach (var vectorDatabase in knowledge.VectorDatabases.Where(entry => entry.Provider == VectorProviderNames.PgVector))
        {
            reader.AddProblem(
                $"knowledge.vector_dbs[{vectorDatabase.Index}].provider",
                "pgvector provider is incompatible with SQLite driver. SQLite requires an external vector database. " +
                "Configure one of: qdrant (a Qdrant server: provider: qdrant, url: http://localhost:6333), " +
                "or switch database.driver to postgres to keep pgvector");
        }

        if (knowledge.VectorDatabases.Count == 0)
        {
            reader.AddWarning(
                "knowledge.vector_dbs",
                "is empty: knowledge bases need a vector database, and SQLite has no pgvector; configure a qdrant entry to use them");
        }
    }
}
