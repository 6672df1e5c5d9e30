using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Compozy.Cli.Tests;

/// <summary>
/// Runs the <c>$</c> commands of a documentation page as a reader would: in order, in one bash
/// session, so that variables, background jobs and files carry from one command to the next,
/// each command's standard output and error captured together in a file of its own.
/// </summary>
internal static class DocumentationSession
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The reader's shell: the compozy the tests run first on the PATH, no setting of the developer's.</summary>
    public static Dictionary<string, string> UserEnvironment() => new(StringComparer.Ordinal)
    {
        ["PATH"] = $"{Path.GetDirectoryName(CompozyProcess.Executable)}:{Environment.GetEnvironmentVariable("PATH")}",

        // The pages' log lines are compared one by one, and whether an operation passes the slow
        // threshold depends on the machine's load, not on the command; StoreOperationTimingsTests
        // tests the slow-operation log itself.
        ["DB_SLOW_OPERATION_THRESHOLD"] = "1h",
    };

    /// <summary>A loopback port nothing listens on now, for a page that starts a host (the default 5001 may be taken).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The page's commands, parsed from <paramref name="page"/> (relative to the repository root).</summary>
    public static IReadOnlyList<ConsoleExample> Commands(string page) =>
        ConsoleExample.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, page)));

    /// <summary>
    /// Runs <paramref name="examples"/> and returns what each printed. The session inherits the
    /// test's environment without its DB_* and SERVER_* variables, plus <paramref name="environment"/>;
    /// background jobs a command started are killed when the session ends.
    /// </summary>
    public static async Task<string[]> RunAsync(string page, IReadOnlyList<ConsoleExample> examples, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var outputDirectory = Directory.CreateTempSubdirectory("compozy-docs-session-");
        try
        {
            var script = new StringBuilder();

            // A page that starts `compozy start &` stops it itself; this is for a session cut short.
            script.Append("trap 'kill $(jobs -p) 2>/dev/null' EXIT\n");
            for (var index = 0; index < examples.Count; index++)
            {
                script.Append(CultureInfo.InvariantCulture, $"{{\n{examples[index].Command}\n}} > '{outputDirectory.FullName}/{index}' 2>&1\n");
            }

            var scriptPath = Path.Combine(outputDirectory.FullName, "session.sh");
            await File.WriteAllTextAsync(scriptPath, script.ToString());

            var info = new ProcessStartInfo("bash")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("--noprofile");
            info.ArgumentList.Add("--norc");
            info.ArgumentList.Add(scriptPath);
            foreach (var name in info.Environment.Keys.Where(name => name.StartsWith("DB_", StringComparison.Ordinal) || name.StartsWith("SERVER_", StringComparison.Ordinal)).ToList())
            {
                info.Environment.Remove(name);
            }

            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }

            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bash");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using (var timeout = new CancellationTokenSource(ScriptTimeout))
            {
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException($"the commands of {page} did not finish within {ScriptTimeout}");
                }
            }

            (await stderr).ShouldBeEmpty("bash itself reported errors");
            (await stdout).ShouldBeEmpty("output outside the commands");
            return [.. examples.Select((_, index) => File.ReadAllText(Path.Combine(outputDirectory.FullName, index.ToString(CultureInfo.InvariantCulture))))];
        }
        finally
        {
            outputDirectory.Delete(recursive: true);
        }
    }

    /// <summary>Each command whose output differs from the page, with both; empty when all match.</summary>
    public static string Mismatches(string page, IReadOnlyList<ConsoleExample> examples, IReadOnlyList<string> outputs)
    {
        var mismatches = new StringBuilder();
        for (var index = 0; index < examples.Count; index++)
        {
            if (!examples[index].Matches(outputs[index]))
            {
                mismatches.Append(CultureInfo.InvariantCulture, $"\n{page}:{examples[index].Line}: $ {examples[index].Command}\n--- the page shows ---\n{examples[index].ExpectedOutput}\n--- it printed ---\n{outputs[index].TrimEnd()}\n");
            }
        }

        return mismatches.ToString();
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Compozy.Data.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no directory above {AppContext.BaseDirectory} contains Compozy.Data.sln");
    }
}
