using System.Diagnostics;

namespace Compozy.Data.IntegrationTests.Sqlite;

/// <summary>
/// A real FUSE filesystem for a test: bindfs mirrors a temporary directory at a mount point, and
/// the kernel reports the mount point as FUSE (statfs magic 0x65735546), as it would gocryptfs or
/// sshfs. Needs the bindfs package and /dev/fuse, and root to mount (scripts/test.sh installs
/// bindfs when it runs as root). When it cannot mount, the test fails saying why: a skipped test
/// would prove nothing about FUSE.
/// </summary>
internal sealed class BindfsMount : IDisposable
{
    private BindfsMount(string root)
    {
        Root = root;
        Source = Path.Combine(root, "source");
        MountPoint = Path.Combine(root, "fuse");
        Directory.CreateDirectory(Source);
        Directory.CreateDirectory(MountPoint);
    }

    /// <summary>A local directory next to the mount, for links and other files.</summary>
    public string Root { get; }

    /// <summary>The directory bindfs mirrors (local).</summary>
    public string Source { get; }

    /// <summary>Where the FUSE filesystem is mounted.</summary>
    public string MountPoint { get; }

    public static BindfsMount Create()
    {
        var mount = new BindfsMount(Path.Combine(Path.GetTempPath(), $"compozy-fuse-{Guid.NewGuid():N}"));
        var (exitCode, output) = Run("bindfs", mount.Source, mount.MountPoint);
        if (exitCode != 0)
        {
            Directory.Delete(mount.Root, recursive: true);
            throw new InvalidOperationException(
                $"bindfs {mount.Source} {mount.MountPoint} failed with exit code {exitCode}: {output}. These tests need a real FUSE " +
                "filesystem: install bindfs (apt-get install bindfs; scripts/test.sh does it as root) and run them as root with /dev/fuse.");
        }

        return mount;
    }

    /// <summary>
    /// Kills the bindfs daemon serving this mount, as a FUSE or network filesystem's server dies:
    /// the mount stays, and every access under it fails with ENOTCONN until it is unmounted.
    /// Only the process whose command line names this mount point is killed.
    /// </summary>
    public void KillDaemon()
    {
        var daemons = Directory.EnumerateDirectories("/proc")
            .Select(directory => (Directory: directory, Id: int.TryParse(Path.GetFileName(directory), out var id) ? id : 0))
            .Where(process => process.Id > 0 && ReadCommandLine(process.Directory) is { } arguments && arguments.Length > 0
                && Path.GetFileName(arguments[0]) == "bindfs" && arguments.Contains(MountPoint))
            .Select(process => process.Id)
            .ToList();
        if (daemons.Count != 1)
        {
            throw new InvalidOperationException($"expected one bindfs process serving {MountPoint}, found {daemons.Count}");
        }

        using var daemon = Process.GetProcessById(daemons[0]);
        daemon.Kill();
        daemon.WaitForExit();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var (exitCode, output) = Run("umount", MountPoint);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"umount {MountPoint} failed with exit code {exitCode}: {output}");
        }

        Directory.Delete(Root, recursive: true);
    }

    private static string[]? ReadCommandLine(string processDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processDirectory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The process ended while the list was read.
            return null;
        }
    }

    private static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Trim());
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return (-1, $"{program} could not be started: {exception.Message}");
        }
    }
}
