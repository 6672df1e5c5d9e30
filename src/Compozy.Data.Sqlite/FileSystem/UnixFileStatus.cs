namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>What <c>statx(2)</c> reports about one path: its identity, owner and mode.</summary>
/// <param name="Identity">Device and inode.</param>
/// <param name="OwnerId">Owning user id.</param>
/// <param name="GroupId">Owning group id.</param>
/// <param name="Mode">Type and permission bits (<c>st_mode</c>).</param>
internal readonly record struct UnixFileStatus(FileIdentity Identity, uint OwnerId, uint GroupId, uint Mode)
{
    private const uint TypeMask = 0xF000;
    private const uint DirectoryType = 0x4000;
    private const uint RegularFileType = 0x8000;

    /// <summary>The permission bits (<c>rwxrwxrwx</c> and set-id/sticky bits).</summary>
    public UnixFileMode Permissions => (UnixFileMode)(Mode & 0xFFF);

    public bool IsDirectory => (Mode & TypeMask) == DirectoryType;

    public bool IsRegularFile => (Mode & TypeMask) == RegularFileType;
}
