using Microsoft.Win32.SafeHandles;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// A path-only descriptor (<c>O_PATH</c>) of a file, from <see cref="UnixFiles.OpenPathOnly"/>:
/// it can be asked about the file (<c>statx</c>) but not read or written. As a
/// <see cref="System.Runtime.InteropServices.SafeHandle"/> it is closed only once no call is using it.
/// </summary>
/// <remarks>
/// Safe to hold on a database SQLite has open: closing an ordinary descriptor of a file drops
/// every POSIX lock this process holds on it (SQLite's included), but Linux skips that step for
/// <c>O_PATH</c> descriptors (<c>filp_flush</c> in fs/open.c), which hold no locks.
/// </remarks>
internal sealed class UnixPathDescriptor : SafeHandleMinusOneIsInvalid
{
    /// <summary>For the marshaller of <see cref="UnixFiles"/>' calls.</summary>
    public UnixPathDescriptor()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => UnixFiles.Close((int)handle) == 0;
}
