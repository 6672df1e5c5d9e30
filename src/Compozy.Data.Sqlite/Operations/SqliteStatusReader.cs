using System.Globalization;
using Compozy.Data.Operations;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.FileSystem;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Operations;

/// <summary>
/// <c>compozy db status</c> for SQLite: file, journal and WAL state, checkpoint progress and
/// optionally integrity, read through an inspection connection that never writes or
/// checkpoints, so it is safe next to a running host. A file SQLite cannot read as a database
/// is reported as damaged (<c>integrity_ok: false</c>), not thrown.
/// </summary>
internal sealed class SqliteStatusReader(SqliteConnectionFactory connections, IFileSystemProbe probe) : IDatabaseStatusReader
{
    /// <inheritdoc />
    public Task<DatabaseStatus> ReadAsync(IntegrityCheck check, CancellationToken cancellationToken) =>
        Task.Run(() => Read(check), cancellationToken);

    private DatabaseStatus Read(IntegrityCheck check)
    {
        var options = connections.Options;
        var facts = new List<KeyValuePair<string, object?>>
        {
            new("path", options.Path),
            new("sqlite_version", LibraryVersion()),
        };
        if (options.IsInMemory)
        {
            facts.Add(new("note", "an in-memory database belongs to the process that opened it; another process sees a new, empty one"));
            return new DatabaseStatus(new DatabaseReport(facts), check, null);
        }

        if (options.ConfiguredPath != options.Path)
        {
            facts.Add(new("configured_path", options.ConfiguredPath));
        }

        var files = connections.Files!;
        connections.EnsureReadable();
        var exists = File.Exists(options.Path);
        facts.Add(new("exists", exists));
        var fileSystem = probe.Probe(files.Directory).ToString();
        facts.Add(new("filesystem", options.FileSystem == SqliteFileSystemKind.Local ? $"{fileSystem}, declared local by database.sqlite.filesystem" : fileSystem));
        facts.Add(new("synchronous_configured", options.Synchronous.ToString().ToUpperInvariant()));
        if (!exists)
        {
            var leftovers = SqliteMissingDatabase.FindLeftovers(files);
            if (leftovers.Count > 0)
            {
                // A database was there: reported as damage (exit 4), not as a database yet to be created.
                facts.Add(new("leftovers", string.Join(", ", leftovers)));
                facts.Add(new("integrity", SqliteMissingDatabase.Describe(files, leftovers)));
                facts.Add(new("integrity_ok", false));
                return new DatabaseStatus(new DatabaseReport(facts), check, false);
            }

            return new DatabaseStatus(new DatabaseReport(facts), check, null);
        }

        try
        {
            AddFileFacts(options, facts);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is SqliteErrorCodes.Corrupt or SqliteErrorCodes.NotADatabase)
        {
            facts.Add(new("readable", false));
            facts.Add(new("integrity", $"SQLite cannot read the file as a database ({exception.SqliteErrorCode}: {exception.Message})"));
            facts.Add(new("integrity_ok", false));
            return new DatabaseStatus(new DatabaseReport(facts), check, false);
        }

        facts.Add(new("file_bytes", new FileInfo(options.Path).Length));
        facts.Add(new("wal_bytes", connections.WalSize));
        var progress = WalIndexProgress.Read(options.Path);
        facts.Add(new("wal_checkpoint_sequence", progress.CheckpointSequence));
        facts.Add(new("wal_frames", progress.Frames));
        facts.Add(new("wal_frames_checkpointed", progress.Backfilled));

        if (check == IntegrityCheck.None)
        {
            return new DatabaseStatus(new DatabaseReport(facts), check, null);
        }

        var full = check == IntegrityCheck.Full;
        var messages = SqliteInspectionConnection.CheckIntegrity(options.Path, options.BusyTimeout, full);
        var ok = messages is ["ok"];
        facts.Add(new("integrity_check", full ? "integrity_check" : "quick_check"));
        facts.Add(new("integrity", ok ? "ok" : string.Join("; ", messages)));
        facts.Add(new("integrity_ok", ok));
        return new DatabaseStatus(new DatabaseReport(facts), check, ok);
    }

    /// <summary>The bundled SQLite library's version; needs no database, only the library loaded.</summary>
    private static string LibraryVersion()
    {
        using var unopened = new SqliteConnection();
        return unopened.ServerVersion;
    }

    private static void AddFileFacts(SqliteOptions options, List<KeyValuePair<string, object?>> facts)
    {
        using var connection = SqliteInspectionConnection.Open(options.Path, options.BusyTimeout);
        facts.Add(new("journal_mode", Scalar(connection, "PRAGMA journal_mode;")));
        facts.Add(new("auto_vacuum", Scalar(connection, "PRAGMA auto_vacuum;") switch { "0" => "NONE", "1" => "FULL", "2" => "INCREMENTAL", var other => other }));
        var pageSize = long.Parse(Scalar(connection, "PRAGMA page_size;"), CultureInfo.InvariantCulture);
        var pageCount = long.Parse(Scalar(connection, "PRAGMA page_count;"), CultureInfo.InvariantCulture);
        facts.Add(new("page_size", pageSize));
        facts.Add(new("page_count", pageCount));
        facts.Add(new("freelist_count", long.Parse(Scalar(connection, "PRAGMA freelist_count;"), CultureInfo.InvariantCulture)));
        facts.Add(new("database_bytes", pageSize * pageCount));
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? string.Empty;
    }
}
