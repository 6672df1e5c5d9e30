using System.Globalization;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// What makes a file the same file whatever its name: the device it lives on and its inode
/// number. A file deleted and created again, or another file moved to its name, has another
/// identity at that name.
/// </summary>
/// <param name="DeviceMajor">Major number of the device holding the file.</param>
/// <param name="DeviceMinor">Minor number of the device holding the file.</param>
/// <param name="Inode">Inode number, unique among the files of that device that exist.</param>
public readonly record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"device {DeviceMajor}:{DeviceMinor} inode {Inode}");
}
