using System.Runtime.InteropServices;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// Drops one file's pages from the Linux page cache with <c>posix_fadvise(POSIX_FADV_DONTNEED)</c>,
/// so a run can start "cold" (as after a reboot) without root and without touching any other
/// file's cache (<c>drop_caches</c> would do both). Only clean pages are dropped, so the file is
/// fsynced first.
/// </summary>
internal static partial class PageCache
{
    private const int PosixFadviseDontNeed = 4;

    public static bool IsSupported => OperatingSystem.IsLinux();

    public static void Evict(string path)
    {
        if (!IsSupported)
        {
            return;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        file.Flush(flushToDisk: true);
        var result = PosixFadvise((int)file.SafeFileHandle.DangerousGetHandle(), 0, 0, PosixFadviseDontNeed);
        if (result != 0)
        {
            throw new IOException($"posix_fadvise(DONTNEED) on {path} failed with error {result}");
        }
    }

    // Returns the error number itself (it does not set errno). off_t is 64 bits on 64-bit Linux.
    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);
}
