using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.FileSystem;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>How the database file is opened, decided once from the settings and the filesystem.</summary>
/// <param name="FileSystem">The filesystem of the database directory.</param>
/// <param name="JournalMode">The journal mode the writer sets and verifies.</param>
/// <param name="ExclusiveLocking">
/// Network filesystem fallback: <c>locking_mode=EXCLUSIVE</c>, so the process takes the file lock
/// once and keeps it. Readers then share the writer's page cache (the only way another connection
/// can read under that lock) and wait on its table locks.
/// </param>
internal sealed record SqliteStorageMode(FileSystemType FileSystem, SqliteJournalMode JournalMode, bool ExclusiveLocking);
