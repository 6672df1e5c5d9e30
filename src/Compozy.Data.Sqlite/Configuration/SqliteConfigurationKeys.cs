using Compozy.Data.Configuration;

namespace Compozy.Data.Sqlite.Configuration;

/// <summary>The keys the SQLite provider reads.</summary>
public static class SqliteConfigurationKeys
{
    /// <summary>The in-memory database path.</summary>
    public const string InMemoryPath = ":memory:";

    /// <summary><c>database.path</c>.</summary>
    public static ConfigurationKey Path { get; } = new()
    {
        Path = "database.path",
        EnvironmentVariable = "DB_PATH",
        Flag = "--db-path",
        Type = ConfigurationValueType.Text(allowEmpty: true),
        Default = ".compozy/compozy.db",
        Description = "SQLite database file, relative to the working directory, or :memory: for a database that lives as long as the process.",
    };

    /// <summary><c>database.busy_timeout</c>.</summary>
    public static ConfigurationKey BusyTimeout { get; } = new()
    {
        Path = "database.busy_timeout",
        EnvironmentVariable = "DB_BUSY_TIMEOUT",
        Flag = "--db-busy-timeout",
        Type = ConfigurationValueType.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(10)),
        Default = "5s",
        Description = "How long a SQLite connection waits for a lock held by another process before failing.",
    };

    /// <summary>Every SQLite key.</summary>
    public static IReadOnlyList<ConfigurationKey> All { get; } = [Path, BusyTimeout];
}
