using System.Collections.Frozen;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>statfs <c>f_type</c> magic numbers (from the Linux kernel's magic.h and the filesystems' sources).</summary>
internal static class KnownFileSystems
{
    private static readonly FrozenDictionary<long, FileSystemType> ByMagic = new FileSystemType[]
    {
        new("ext4", 0xEF53, false),
        new("xfs", 0x58465342, false),
        new("btrfs", 0x9123683E, false),
        new("tmpfs", 0x01021994, false),
        new("overlayfs", 0x794C7630, false),
        new("zfs", 0x2FC12FC1, false),
        new("f2fs", 0xF2F52010, false),
        new("ramfs", 0x858458F6, false),
        new("jfs", 0x3153464A, false),
        new("reiserfs", 0x52654973, false),
        new("nfs", 0x6969, true),
        new("smb", 0x517B, true),
        new("cifs", 0xFF534D42, true),
        new("smb2", 0xFE534D42, true),
        new("fuse", 0x65735546, true),
        new("9p", 0x01021997, true),
        new("ceph", 0x00C36400, true),
        new("afs", 0x5346414F, true),
        new("kafs", 0x6B414653, true),
        new("lustre", 0x0BD00BD0, true),
        new("gpfs", 0x47504653, true),
        new("ocfs2", 0x7461636F, true),
        new("gfs2", 0x01161970, true),
        new("ncp", 0x564C, true),
        new("coda", 0x73757245, true),
        new("beegfs", 0x19830326, true),
    }.ToFrozenDictionary(type => type.Magic);

    public static FileSystemType FromMagic(long magic) =>
        ByMagic.TryGetValue(magic, out var known)
            ? known
            : new FileSystemType($"unknown (0x{magic:X})", magic, IsNetwork: false);
}
