using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.Testing;

/// <summary>Raw file operations that put a SQLite database into the states a crash or a bad disk leaves.</summary>
public static class SqliteTestFiles
{
    // sqlite3_db_config option: do not checkpoint and delete the WAL when the connection closes.
    private const int NoCheckpointOnClose = 1006;

    /// <summary>
    /// Inserts <paramref name="rows"/> workflows through a connection that neither checkpoints nor
    /// deletes the WAL when it closes: the committed rows exist only in the <c>-wal</c> file, as
    /// after a process killed between commit and checkpoint.
    /// </summary>
    public static void WriteIntoWalOnly(string path, int rows, string prefix)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        SQLitePCL.raw.sqlite3_db_config(connection.Handle!, NoCheckpointOnClose, 1, out _);
        Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;");
        using var transaction = connection.BeginTransaction();
        for (var index = 0; index < rows; index++)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO workflow_states (workflow_exec_id, workflow_id, status, created_at, updated_at) VALUES ($id, 'residue', 'RUNNING', '2026-01-01 00:00:00', '2026-01-01 00:00:00')";
            insert.Parameters.AddWithValue("$id", $"{prefix}-{index}");
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Counts rows with a raw connection (which sees the WAL).</summary>
    public static long Count(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Fills workflow_states with enough rows to span many b-tree pages.</summary>
    public static void Fill(string path, int rows, int payloadBytes, string prefix)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var payload = $"{{\"blob\":\"{new string('x', payloadBytes)}\"}}";
        for (var index = 0; index < rows; index++)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO workflow_states (workflow_exec_id, workflow_id, status, input, created_at, updated_at) VALUES ($id, 'fill', 'SUCCESS', $input, '2026-01-01 00:00:00', '2026-01-01 00:00:00')";
            insert.Parameters.AddWithValue("$id", $"{prefix}-{index:D6}");
            insert.Parameters.AddWithValue("$input", payload);
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Overwrites one whole page in the middle of the file with a byte pattern, as a bad sector would.</summary>
    public static void DamageMiddlePage(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var header = new byte[100];
        stream.ReadExactly(header);
        var pageSize = (header[16] << 8) | header[17];
        var pages = stream.Length / pageSize;
        stream.Position = (pages / 2) * pageSize;
        stream.Write(Enumerable.Repeat((byte)0xA5, pageSize).ToArray());
    }

    /// <summary>SHA-256 of a file, or "absent".</summary>
    public static string Hash(string path) =>
        File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "absent";

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
