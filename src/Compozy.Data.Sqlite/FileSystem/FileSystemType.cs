namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>The filesystem a database directory lives on.</summary>
/// <param name="Name">Its name (<c>ext4</c>, <c>nfs</c>, ...) or <c>unknown (0x...)</c>.</param>
/// <param name="Magic">The statfs <c>f_type</c> magic number, or 0 when it could not be read.</param>
/// <param name="IsNetwork">Whether it is shared over a network or through a userspace driver, where WAL's shared memory and POSIX locks cannot be trusted.</param>
internal sealed record FileSystemType(string Name, long Magic, bool IsNetwork)
{
    /// <summary>What is reported when the probe cannot tell (not Linux, or statfs failed).</summary>
    public static FileSystemType Unknown { get; } = new("unknown", 0, IsNetwork: false);

    /// <inheritdoc />
    public override string ToString() => IsNetwork ? $"{Name} (network)" : $"{Name} (local)";
}
