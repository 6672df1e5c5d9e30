namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// What changes on a file's inode when a name of it is removed, added or moved: its link count
/// and its status-change time (<c>ctime</c>), from <see cref="UnixFiles.TryLinksAndChange"/>.
/// </summary>
/// <param name="Count">How many names the file has; 0 once deleted.</param>
/// <param name="ChangedSeconds">The status-change time, whole seconds since the Unix epoch.</param>
/// <param name="ChangedNanoseconds">The status-change time's nanoseconds.</param>
internal readonly record struct FileLinks(uint Count, long ChangedSeconds, uint ChangedNanoseconds)
{
    /// <summary>The status-change time as UTC.</summary>
    public DateTime ChangedAt => DateTime.UnixEpoch.AddTicks((ChangedSeconds * TimeSpan.TicksPerSecond) + (ChangedNanoseconds / 100));
}
