using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.Benchmarks;

/// <summary>What the numbers were measured on: without it a result file cannot be compared with another.</summary>
internal sealed record BenchEnvironment(
    DateTime MeasuredAtUtc,
    string Os,
    int ProcessorCount,
    string Runtime,
    string SqliteVersion,
    string Directory,
    MountInfo Mount,
    string LoadAverageAtStart,
    string SourceRevision)
{
    public static BenchEnvironment Describe(string directory, RepositoryPaths paths)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        return new BenchEnvironment(
            DateTime.UtcNow,
            RuntimeInformation.OSDescription,
            Environment.ProcessorCount,
            RuntimeInformation.FrameworkDescription,
            connection.ServerVersion,
            directory,
            MountInfo.Of(directory),
            LoadAverage(),
            Revision(paths.Root));
    }

    /// <summary>
    /// The 1, 5 and 15 minute load averages: the machines are shared, and a load well above the
    /// core count during a run means other work competed for the CPU and the disk.
    /// </summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>
    /// The commit the layer was built from, with <c>-dirty</c> when tracked files had uncommitted
    /// changes: the layer changes under the benchmark, and a result is only comparable with one
    /// from the same code.
    /// </summary>
    private static string Revision(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "describe", "--always", "--dirty", "--abbrev=12"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (git is null)
            {
                return "unknown";
            }

            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && output.Length > 0 ? output : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // git is not installed.
            return "unknown";
        }
    }

    public string Summary =>
        $"{Os}, {ProcessorCount} cores, {Runtime}, SQLite {SqliteVersion}; files in {Directory} on {Mount.Device} ({Mount.FileSystem}, mounted at {Mount.MountPoint}, {Mount.Options}); load average at start {LoadAverageAtStart}; source {SourceRevision}";
}
