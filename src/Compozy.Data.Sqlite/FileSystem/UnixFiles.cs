using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// The few POSIX calls the SQLite provider needs and .NET does not expose: a file's device,
/// inode and owner (<c>statx</c>), access as the kernel decides it for this process's effective
/// ids (<c>faccessat</c> with <c>AT_EACCESS</c>, which also sees read-only mounts, immutable
/// files and ACLs), symbolic link resolution of every component (<c>realpath</c>), user and group
/// names, and <c>chown</c>. Hand-written because <see cref="File"/> and <see cref="FileInfo"/>
/// report neither inode, owner nor effective access. Linux only; elsewhere the calls report
/// "unsupported" and callers fall back to what .NET offers.
/// </summary>
internal static partial class UnixFiles
{
    public const int NoSuchFile = 2;
    public const int PermissionDenied = 13;
    public const int NotPermitted = 1;
    public const int ReadOnlyFileSystem = 30;
    public const int NotADirectory = 20;
    public const int TooManySymbolicLinks = 40;
    public const int Unsupported = 95;

    // fcntl.h and sys/stat.h on Linux.
    private const int CurrentDirectory = -100;
    private const int EffectiveAccess = 0x200;
    private const int DoNotFollowLink = 0x100;
    private const uint BasicStats = 0x7FF;
    // O_RDONLY | O_CLOEXEC, the same value on every Linux architecture (O_DIRECTORY is not).
    private const int ReadOnlyDirectory = 0x80000;
    // O_PATH | O_CLOEXEC; O_PATH is 010000000 on the architectures .NET runs Linux on.
    private const int PathOnly = 0x200000 | 0x80000;
    private const int EmptyPath = 0x1000;
    // STATX_NLINK | STATX_CTIME.
    private const uint LinksAndChange = 0x4 | 0x80;

    // struct statx is 256 bytes with the same layout on every Linux architecture.
    private const int StatxSize = 256;

    /// <summary>Whether the calls are available (Linux).</summary>
    [SupportedOSPlatformGuard("linux")]
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId => IsSupported ? GetEffectiveUserId() : uint.MaxValue;

    /// <summary>The effective group id of this process.</summary>
    public static uint EffectiveGroupId => IsSupported ? GetEffectiveGroupId() : uint.MaxValue;

    /// <summary>Reads the status of <paramref name="path"/>, following a final symbolic link unless told not to; returns errno on failure (0 on success).</summary>
    public static int TryStat(string path, out UnixFileStatus status, bool followLink = true)
    {
        status = default;
        if (!IsSupported)
        {
            return Unsupported;
        }

        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(CurrentDirectory, path, followLink ? 0 : DoNotFollowLink, BasicStats, buffer) != 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        status = ReadStatus(buffer);
        return 0;
    }

    private static UnixFileStatus ReadStatus(ReadOnlySpan<byte> buffer) => new(
        new FileIdentity(
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[136..]),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[140..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..])),
        BinaryPrimitives.ReadUInt32LittleEndian(buffer[20..]),
        BinaryPrimitives.ReadUInt32LittleEndian(buffer[24..]),
        BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]));

    // statx(descriptor, "", AT_EMPTY_PATH, ...): the file the descriptor refers to. The empty path
    // is a constant, so the call marshals no string.
    private static unsafe int StatxOf(UnixPathDescriptor descriptor, uint mask, Span<byte> buffer)
    {
        ReadOnlySpan<byte> empty = [0];
        fixed (byte* path = empty)
        {
            return StatxDescriptor(descriptor, path, EmptyPath, mask, buffer);
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> (following a final symbolic link) as a path-only descriptor;
    /// returns errno (0 on success). Its identity is that of the file opened, whatever the path
    /// names later.
    /// </summary>
    public static int OpenPathOnly(string path, out UnixPathDescriptor? descriptor)
    {
        descriptor = null;
        if (!IsSupported)
        {
            return Unsupported;
        }

        var opened = OpenPath(path, PathOnly);
        if (opened.IsInvalid)
        {
            var error = Marshal.GetLastPInvokeError();
            opened.Dispose();
            return error;
        }

        descriptor = opened;
        return 0;
    }

    /// <summary>Reads the status of the file <paramref name="descriptor"/> refers to; returns errno (0 on success).</summary>
    public static int TryStat(UnixPathDescriptor descriptor, out UnixFileStatus status)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        status = default;
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (StatxOf(descriptor, BasicStats, buffer) != 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        status = ReadStatus(buffer);
        return 0;
    }

    /// <summary>
    /// The link count and status-change time of the file <paramref name="descriptor"/> refers to
    /// (<c>stx_nlink</c>, 0 once deleted; <c>stx_ctime</c>, which every rename, link, unlink and
    /// write of the file moves); returns errno (0 on success). One system call without a path lookup.
    /// </summary>
    public static int TryLinksAndChange(UnixPathDescriptor descriptor, out FileLinks links)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        links = default;
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (StatxOf(descriptor, LinksAndChange, buffer) != 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        links = new FileLinks(
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(buffer[96..]),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[104..]));
        return 0;
    }

    /// <summary>Closes a descriptor; returns the call's result (0 on success).</summary>
    internal static int Close(int descriptor) => CloseNative(descriptor);

    /// <summary>Whether this process may access <paramref name="path"/> as asked; returns errno (0 when allowed).</summary>
    public static int CheckAccess(string path, UnixAccess access)
    {
        if (!IsSupported)
        {
            return 0;
        }

        return FAccessAt(CurrentDirectory, path, (int)access, EffectiveAccess) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The path with every symbolic link and <c>.</c>/<c>..</c> resolved, or <see langword="null"/> with errno.</summary>
    public static string? RealPath(string path, out int error)
    {
        error = 0;
        if (!IsSupported)
        {
            error = Unsupported;
            return null;
        }

        var resolved = RealPathNative(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            error = Marshal.GetLastPInvokeError();
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>Changes the owner of <paramref name="path"/>; returns errno (0 on success).</summary>
    public static int ChangeOwner(string path, uint ownerId, uint groupId)
    {
        if (!IsSupported)
        {
            return Unsupported;
        }

        return Chown(path, ownerId, groupId) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// Makes the directory entries of <paramref name="directory"/> durable (<c>fsync</c> of the
    /// directory), so that a file renamed into it survives a power loss under its new name;
    /// returns errno (0 on success).
    /// </summary>
    public static int SyncDirectory(string directory)
    {
        if (!IsSupported)
        {
            return Unsupported;
        }

        var descriptor = OpenNative(directory, ReadOnlyDirectory);
        if (descriptor < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        var result = FSync(descriptor) == 0 ? 0 : Marshal.GetLastPInvokeError();
        _ = CloseNative(descriptor);
        return result;
    }

    /// <summary>Gives the file <paramref name="existing"/> a second name (<c>link</c>); returns errno (0 on success).</summary>
    public static int HardLink(string existing, string newPath)
    {
        if (!IsSupported)
        {
            return Unsupported;
        }

        return Link(existing, newPath) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary><c>uid 1000 (alice)</c>, or just the id when it has no name.</summary>
    public static string DescribeUser(uint userId)
    {
        // struct passwd starts with char *pw_name; the pointer is into static storage.
        var name = IsSupported ? NameAt(GetPasswordEntry(userId)) : null;
        return name is null
            ? string.Create(CultureInfo.InvariantCulture, $"uid {userId}")
            : string.Create(CultureInfo.InvariantCulture, $"uid {userId} ({name})");
    }

    /// <summary><c>gid 1000 (staff)</c>, or just the id when it has no name.</summary>
    public static string DescribeGroup(uint groupId)
    {
        // struct group starts with char *gr_name.
        var name = IsSupported ? NameAt(GetGroupEntry(groupId)) : null;
        return name is null
            ? string.Create(CultureInfo.InvariantCulture, $"gid {groupId}")
            : string.Create(CultureInfo.InvariantCulture, $"gid {groupId} ({name})");
    }

    /// <summary><c>0640</c>.</summary>
    public static string DescribeMode(UnixFileMode mode) =>
        "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');

    /// <summary>The system's text for an errno value.</summary>
    public static string Describe(int error) => Marshal.GetPInvokeErrorMessage(error);

    private static string? NameAt(IntPtr entry) =>
        entry == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(entry));

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Statx(int directory, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static unsafe partial int StatxDescriptor(UnixPathDescriptor directory, byte* path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial UnixPathDescriptor OpenPath(string path, int flags);

    [LibraryImport("libc", EntryPoint = "faccessat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FAccessAt(int directory, string path, int mode, int flags);

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial IntPtr RealPathNative(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial void Free(IntPtr pointer);

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Chown(string path, uint ownerId, uint groupId);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial uint GetEffectiveGroupId();

    [LibraryImport("libc", EntryPoint = "getpwuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial IntPtr GetPasswordEntry(uint userId);

    [LibraryImport("libc", EntryPoint = "getgrgid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial IntPtr GetGroupEntry(uint groupId);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int CloseNative(int descriptor);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Link(string existing, string newPath);
}
