using System.ComponentModel;
using System.Diagnostics;
using Npgsql;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// A PostgreSQL server of a test's own, from <c>scripts/postgres-test-server.sh</c>, for faults that
/// would disturb every other test on the shared server (stopping it, for one).
/// </summary>
internal sealed class ThrowawayPostgresServer : IAsyncDisposable
{
    private const string ScriptPath = "scripts/postgres-test-server.sh";

    /// <summary>initdb and a start take a few seconds; this only catches a script that hangs.</summary>
    private static readonly TimeSpan ScriptBound = TimeSpan.FromMinutes(2);

    private ThrowawayPostgresServer(string directory, string connectionString)
    {
        Directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>The directory holding the cluster, its socket and its log.</summary>
    public string Directory { get; }

    /// <summary>An administrator connection string for the <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates and starts a cluster in a new temporary directory.</summary>
    public static async Task<ThrowawayPostgresServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-fault-pg-{Guid.NewGuid():N}");
        try
        {
            var connectionString = (await RunScriptAsync("start", directory)).Trim();
            return new ThrowawayPostgresServer(directory, connectionString);
        }
        catch
        {
            await StopAndDeleteAsync(directory);
            throw;
        }
    }

    /// <summary>Stops the server with a fast shutdown (sessions ended, data kept), as an operator's restart does.</summary>
    public Task PauseAsync() => RunScriptAsync("pause", Directory);

    /// <summary>Starts the paused server again on the same port.</summary>
    public Task ResumeAsync() => RunScriptAsync("resume", Directory);

    /// <summary>Creates an empty database and returns an administrator connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'");
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Runs each statement in turn on a connection of its own to the <c>postgres</c> database.</summary>
    public async Task ExecuteAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Runs a query returning one integer on a connection of its own to the <c>postgres</c> database.</summary>
    public async Task<long> CountAsync(string query)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The server's log, for a failing test's message.</summary>
    public string ReadLog()
    {
        var path = Path.Combine(Directory, "server.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no server.log)";
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAndDeleteAsync(Directory);

    private static async Task StopAndDeleteAsync(string directory)
    {
        try
        {
            await RunScriptAsync("stop", directory);
        }
        finally
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<string> RunScriptAsync(string command, string directory)
    {
        var script = Path.Combine(FindRepositoryRoot(), ScriptPath);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(directory);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException($"{ScriptPath} {command} cannot run: bash is not available ({exception.Message})", exception);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(ScriptBound);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{ScriptPath} {command} {directory} did not finish within {ScriptBound}");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{ScriptPath} {command} {directory} failed with exit code {process.ExitCode}. PostgreSQL 15 must be installed " +
                    $"({ScriptPath} install, as root). Its output:{Environment.NewLine}{await error}");
            }

            return await output;
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, ScriptPath)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"{ScriptPath} was not found above {AppContext.BaseDirectory}");
    }
}
