using System.Runtime.InteropServices;

namespace Compozy.Data.Audit;

/// <summary>fsync of a directory, which .NET does not offer: a created, renamed or removed name is durable only after it.</summary>
internal static partial class AuditDirectorySync
{
    // O_RDONLY | O_CLOEXEC: opening a directory read-only is enough to fsync it.
    private const int ReadOnlyCloseOnExec = 0x80000;

    /// <summary>Syncs <paramref name="directory"/> on Linux; elsewhere does nothing. Returns errno (0 on success).</summary>
    public static int Sync(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var descriptor = Open(directory, ReadOnlyCloseOnExec);
        if (descriptor < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        var result = FSync(descriptor) == 0 ? 0 : Marshal.GetLastPInvokeError();
        _ = Close(descriptor);
        return result;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Close(int descriptor);
}
