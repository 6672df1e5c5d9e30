using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>
/// A real database for a CLI test, and the environment variables that point <c>compozy</c> at
/// it (the way operators configure it): DB_PATH for SQLite, DB_CONN_STRING for PostgreSQL.
/// </summary>
internal sealed class CliDatabase : IAsyncDisposable
{
    private CliDatabase(TestDatabase database, string workingDirectory)
    {
        Database = database;
        WorkingDirectory = workingDirectory;
        Environment = database.Kind == DatabaseKind.Sqlite
            ? new Dictionary<string, string?> { ["DB_DRIVER"] = "sqlite", ["DB_PATH"] = database.Location }
            : new Dictionary<string, string?> { ["DB_DRIVER"] = "postgres", ["DB_CONN_STRING"] = database.Location };
    }

    public TestDatabase Database { get; }

    /// <summary>An empty directory to run the command in (no compozy.yaml unless a test writes one).</summary>
    public string WorkingDirectory { get; }

    public Dictionary<string, string?> Environment { get; }

    public static async Task<CliDatabase> CreateAsync(DatabaseKind kind, string purpose)
    {
        var workingDirectory = Path.Combine(Path.GetTempPath(), $"compozy-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workingDirectory);
        return new CliDatabase(await TestDatabase.CreateAsync(kind, purpose), workingDirectory);
    }

    public Task<CliResult> RunAsync(params string[] args) => CompozyProcess.RunAsync(WorkingDirectory, Environment, args);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Directory.Delete(WorkingDirectory, recursive: true);
    }
}
