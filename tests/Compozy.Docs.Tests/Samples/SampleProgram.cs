using System.Diagnostics;

namespace Compozy.Docs.Tests.Samples;

/// <summary>
/// Runs a sample's program from its own output folder (samples/NAME/bin/CONFIGURATION/TFM), built
/// with the same configuration as the tests, as a child process.
/// </summary>
internal static class SampleProgram
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string name, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(Executable(name))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Only what the test gives: a developer's own settings must not change what the sample does.
        foreach (var variable in info.Environment.Keys.Where(IsSampleSetting).ToList())
        {
            info.Environment.Remove(variable);
        }

        foreach (var (variable, value) in environment)
        {
            info.Environment[variable] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} did not finish within {Timeout}:\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Executable(string name)
    {
        // The tests run from tests/Compozy.Docs.Tests/bin/CONFIGURATION/TFM/.
        var tfm = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = tfm.Parent ?? throw new InvalidOperationException($"unexpected test folder {AppContext.BaseDirectory}");
        var path = Path.Combine(RepositoryPaths.Root, "samples", name, "bin", configuration.Name, tfm.Name, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"the sample {name} is not built: {path} is missing", path);
    }

    private static bool IsSampleSetting(string variable) =>
        variable.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) ||
        variable.StartsWith("database__", StringComparison.OrdinalIgnoreCase) ||
        variable.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase);
}
