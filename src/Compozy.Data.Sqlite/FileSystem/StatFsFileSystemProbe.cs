using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// Reads the filesystem type with Linux's <c>statfs(2)</c>. Hand-written because .NET exposes
/// no filesystem type (<see cref="DriveInfo"/> reports mount names, not what the kernel serves).
/// On other systems it reports <see cref="FileSystemType.Unknown"/>.
/// </summary>
internal sealed partial class StatFsFileSystemProbe : IFileSystemProbe
{
    // struct statfs is 120 bytes on 64-bit Linux; f_type (a long) comes first.
    private const int StatFsBufferSize = 256;

    /// <inheritdoc />
    public FileSystemType Probe(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return FileSystemType.Unknown;
        }

        var existing = directory;
        while (!string.IsNullOrEmpty(existing) && !Directory.Exists(existing))
        {
            existing = Path.GetDirectoryName(existing);
        }

        Span<byte> buffer = stackalloc byte[StatFsBufferSize];
        if (string.IsNullOrEmpty(existing) || StatFs(existing, buffer) != 0)
        {
            return FileSystemType.Unknown;
        }

        var magic = IntPtr.Size == 8 ? BinaryPrimitives.ReadInt64LittleEndian(buffer) : BinaryPrimitives.ReadInt32LittleEndian(buffer);
        return KnownFileSystems.FromMagic(magic & 0xFFFFFFFF);
    }

    [LibraryImport("libc", EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int StatFs(string path, Span<byte> buffer);
}
