using System.Runtime.InteropServices;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// <c>sync(2)</c>: writes every dirty page of the system back, untimed, between measured windows,
/// so the data a synchronous OFF or NORMAL scenario left dirty is not written back by the kernel
/// in the middle of the next scenario's fsyncs. (Opening SQLite's own files to fsync them would
/// drop SQLite's POSIX locks when closed, so the whole system is synced instead.)
/// </summary>
internal static partial class DiskSync
{
    public static void SyncAll()
    {
        if (OperatingSystem.IsLinux())
        {
            Sync();
        }
    }

    [LibraryImport("libc", EntryPoint = "sync")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial void Sync();
}
