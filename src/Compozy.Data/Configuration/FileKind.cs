using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Compozy.Data.Configuration;

/// <summary>
/// What kind of file a path names, following symbolic links, read with Linux's <c>statx(2)</c>
/// without opening it. Hand-written because .NET reports a FIFO, a socket and a device as
/// <see cref="FileAttributes.Normal"/>, like a regular file, and opening a FIFO to look blocks
/// until a writer appears.
/// </summary>
internal static partial class FileKind
{
    // struct statx is 256 bytes on every Linux architecture; stx_mode is the __u16 at offset 28.
    private const int StatxBufferSize = 256;
    private const int StatxModeOffset = 28;
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;

    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;
    private const int Directory = 0x4000;
    private const int CharacterDevice = 0x2000;
    private const int BlockDevice = 0x6000;
    private const int Fifo = 0x1000;
    private const int Socket = 0xC000;

    /// <summary>
    /// <see langword="null"/> for a regular file (or when the kind cannot be read: another system,
    /// or a C library without <c>statx</c>); otherwise what the path is, for a message, such as
    /// "a named pipe (FIFO)".
    /// </summary>
    public static string? DescribeIfNotRegular(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return System.IO.Directory.Exists(path) ? "a directory" : null;
        }

        Span<byte> buffer = stackalloc byte[StatxBufferSize];
        try
        {
            if (Statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0)
            {
                // Missing or unreadable: opening it reports that with the system's own message.
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }

        return (BinaryPrimitives.ReadUInt16LittleEndian(buffer[StatxModeOffset..]) & TypeMask) switch
        {
            Regular => null,
            Directory => "a directory",
            CharacterDevice => "a character device",
            BlockDevice => "a block device",
            Fifo => "a named pipe (FIFO)",
            Socket => "a socket",
            _ => "not a regular file",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Statx(int directory, string path, int flags, uint mask, Span<byte> buffer);
}
