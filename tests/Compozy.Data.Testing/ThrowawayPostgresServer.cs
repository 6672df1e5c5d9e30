namespace Compozy.Data.Testing;

/// <summary>
/// A PostgreSQL server from Debian's packages, started by <c>scripts/postgres-test-server.sh</c> in
/// a directory of its own: the fault tests' server on machines where no container engine runs, and
/// the server of the HTTP outage test, which stops it.
/// </summary>
public sealed class ThrowawayPostgresServer : IStoppablePostgresServer
{
    private const string ScriptPath = "scripts/postgres-test-server.sh";

    /// <summary>initdb and a start take a few seconds; this only catches a script that hangs.</summary>
    private static readonly TimeSpan ScriptBound = TimeSpan.FromMinutes(2);

    private readonly string _directory;

    private ThrowawayPostgresServer(string directory, string connectionString)
    {
        _directory = directory;
        ConnectionString = connectionString;
    }

    /// <inheritdoc />
    public string Description => $"a server from Debian's packages in {_directory} ({ScriptPath})";

    /// <inheritdoc />
    public string ConnectionString { get; }

    /// <summary>Creates and starts a cluster in a new temporary directory.</summary>
    public static async Task<ThrowawayPostgresServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-fault-pg-{Guid.NewGuid():N}");
        try
        {
            return new ThrowawayPostgresServer(directory, await RunScriptAsync("start", directory));
        }
        catch
        {
            await StopAndDeleteAsync(directory);
            throw;
        }
    }

    /// <inheritdoc />
    public Task StopAsync() => RunScriptAsync("pause", _directory);

    /// <inheritdoc />
    public Task StartAgainAsync() => RunScriptAsync("resume", _directory);

    /// <inheritdoc />
    public Task<string> ReadLogAsync()
    {
        var path = Path.Combine(_directory, "server.log");
        return Task.FromResult(File.Exists(path) ? File.ReadAllText(path) : "(no server.log)");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAndDeleteAsync(_directory);

    private static async Task StopAndDeleteAsync(string directory)
    {
        try
        {
            await RunScriptAsync("stop", directory);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<string> RunScriptAsync(string command, string directory)
    {
        try
        {
            return await RepositoryScript.RunAsync(ScriptPath, ScriptBound, command, directory);
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidOperationException(
                $"No container engine answers, so the fault tests need PostgreSQL 15 from Debian's packages ({ScriptPath} install, as root). {exception.Message}",
                exception);
        }
    }
}
