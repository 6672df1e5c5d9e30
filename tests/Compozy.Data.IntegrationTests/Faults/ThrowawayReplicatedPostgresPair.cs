using Compozy.Data.Testing;
using Npgsql;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// A primary and a standby from Debian's packages, each in a temporary directory of its own, made
/// by <c>scripts/postgres-test-server.sh</c> (<c>start</c>, then <c>standby</c>): the failover
/// test's servers on machines where no container engine runs.
/// </summary>
internal sealed class ThrowawayReplicatedPostgresPair : IReplicatedPostgresPair
{
    private const string ScriptPath = "scripts/postgres-test-server.sh";

    /// <summary>initdb, a base backup and a start take a few seconds; this only catches a script that hangs.</summary>
    private static readonly TimeSpan ScriptBound = TimeSpan.FromMinutes(2);

    private readonly string _primaryDirectory;
    private readonly string _standbyDirectory;

    private ThrowawayReplicatedPostgresPair(string primaryDirectory, string standbyDirectory, string primaryConnectionString, int standbyPort)
    {
        _primaryDirectory = primaryDirectory;
        _standbyDirectory = standbyDirectory;
        PrimaryConnectionString = primaryConnectionString;
        StandbyConnectionString = new NpgsqlConnectionStringBuilder(primaryConnectionString) { Port = standbyPort }.ConnectionString;
    }

    /// <inheritdoc />
    public string Description => $"two servers from Debian's packages in {_primaryDirectory} and {_standbyDirectory} ({ScriptPath})";

    /// <inheritdoc />
    public string PrimaryConnectionString { get; }

    /// <inheritdoc />
    public string StandbyConnectionString { get; }

    /// <summary>Creates and starts the primary, then copies it into the standby and starts that.</summary>
    public static async Task<ThrowawayReplicatedPostgresPair> StartAsync()
    {
        var primary = Path.Combine(Path.GetTempPath(), $"compozy-failover-primary-{Guid.NewGuid():N}");
        var standby = Path.Combine(Path.GetTempPath(), $"compozy-failover-standby-{Guid.NewGuid():N}");
        try
        {
            var connectionString = await RunScriptAsync("start", primary);
            var port = int.Parse(await RunScriptAsync("standby", primary, standby), System.Globalization.CultureInfo.InvariantCulture);
            return new ThrowawayReplicatedPostgresPair(primary, standby, connectionString, port);
        }
        catch
        {
            await StopAndDeleteAsync(standby);
            await StopAndDeleteAsync(primary);
            throw;
        }
    }

    /// <inheritdoc />
    public Task CrashPrimaryAsync() => RunScriptAsync("crash", _primaryDirectory);

    /// <inheritdoc />
    public Task<string> ReadLogsAsync() =>
        Task.FromResult($"primary:{Environment.NewLine}{ReadLog(_primaryDirectory)}{Environment.NewLine}standby:{Environment.NewLine}{ReadLog(_standbyDirectory)}");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAndDeleteAsync(_standbyDirectory);
        await StopAndDeleteAsync(_primaryDirectory);
    }

    private static string ReadLog(string directory)
    {
        var path = Path.Combine(directory, "server.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no server.log)";
    }

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

    private static async Task<string> RunScriptAsync(params string[] arguments)
    {
        try
        {
            return (await RepositoryScript.RunAsync(ScriptPath, ScriptBound, arguments)).Trim();
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidOperationException(
                $"No container engine answers, so the failover test needs PostgreSQL 15 from Debian's packages ({ScriptPath} install, as root). {exception.Message}",
                exception);
        }
    }
}
