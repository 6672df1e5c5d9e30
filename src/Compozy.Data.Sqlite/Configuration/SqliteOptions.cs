namespace Compozy.Data.Sqlite.Configuration;

/// <summary>Validated SQLite settings.</summary>
public sealed class SqliteOptions
{
    /// <summary>Absolute path of the database file, or <c>:memory:</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Whether the database lives in memory for the life of the host.</summary>
    public bool IsInMemory => Path == SqliteConfigurationKeys.InMemoryPath;

    /// <summary>How long a connection waits for another process's lock.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
