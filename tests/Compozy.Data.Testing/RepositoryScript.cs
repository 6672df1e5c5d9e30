using System.ComponentModel;
using System.Diagnostics;

namespace Compozy.Data.Testing;

/// <summary>Runs one of the repository's shell scripts (found above the test's output folder) and returns what it printed.</summary>
public static class RepositoryScript
{
    /// <summary>
    /// Runs <paramref name="relativePath"/> with bash and returns its standard output; throws with
    /// its standard error when it fails, and kills it when it runs longer than <paramref name="bound"/>.
    /// </summary>
    public static async Task<string> RunAsync(string relativePath, TimeSpan bound, params string[] arguments)
    {
        var script = Path.Combine(FindRoot(relativePath), relativePath);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var commandLine = string.Join(' ', [relativePath, .. arguments]);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException($"{commandLine} cannot run: bash is not available ({exception.Message})", exception);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(bound);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{commandLine} did not finish within {bound}");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{commandLine} failed with exit code {process.ExitCode}. Its output:{Environment.NewLine}{await error}");
            }

            return (await output).Trim();
        }
    }

    private static string FindRoot(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, relativePath)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"{relativePath} was not found above {AppContext.BaseDirectory}");
    }
}
