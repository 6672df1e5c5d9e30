using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace Compozy.Cli.Tests;

/// <summary>Damage done to a real SQLite file the way a bad sector or a stray write would.</summary>
internal static class SqliteDamage
{
    // sqlite3_db_config option: do not checkpoint and delete the WAL when the connection closes.
    private const int NoCheckpointOnClose = 1006;

    private const byte InteriorTablePage = 0x05;
    private const byte LeafTablePage = 0x0D;

    /// <summary>
    /// Overwrites one leaf page of <paramref name="table"/>'s b-tree (one from the middle of the
    /// table): everything after its first 8 header bytes, so the page still says it is a leaf but
    /// its cells point nowhere, or with <paramref name="wholePage"/> the header too, so SQLite
    /// cannot read the page at all. Returns the page number.
    /// </summary>
    public static long DamageLeafPageOf(string path, string table, bool wholePage = false)
    {
        long root;
        using (var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = $name";
            command.Parameters.AddWithValue("$name", table);
            root = (long)(command.ExecuteScalar() ?? throw new InvalidOperationException($"no table {table} in {path}"));
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var header = new byte[100];
        file.ReadExactly(header);
        int pageSize = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        if (pageSize == 1)
        {
            pageSize = 65536;
        }

        // The root of a table is never page 1 (sqlite_master's), whose header is offset by the file header.
        var pageNumber = root;
        var page = ReadPage(file, pageNumber, pageSize);
        while (page[0] == InteriorTablePage)
        {
            // An interior page: its cell pointer array starts at byte 12; each cell starts with the child's page number.
            var cells = BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(3));
            var cell = BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(12 + (2 * (cells / 2))));
            pageNumber = BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(cell));
            page = ReadPage(file, pageNumber, pageSize);
        }

        if (page[0] != LeafTablePage || pageNumber == 1)
        {
            throw new InvalidOperationException($"page {pageNumber} of {table} is not a leaf table page (type {page[0]})");
        }

        var kept = wholePage ? 0 : 8;
        file.Position = ((pageNumber - 1) * pageSize) + kept;
        file.Write(Enumerable.Repeat((byte)0xA5, pageSize - kept).ToArray());
        file.Flush(flushToDisk: true);
        return pageNumber;
    }

    /// <summary>
    /// Commits <paramref name="rows"/> users that exist only in the <c>-wal</c> file, as a process
    /// killed between commit and checkpoint leaves them.
    /// </summary>
    public static void WriteUsersIntoWalOnly(string path, int rows)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        SQLitePCL.raw.sqlite3_db_config(connection.Handle!, NoCheckpointOnClose, 1, out _);
        using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;";
            pragmas.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        for (var index = 0; index < rows; index++)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO users (id, email, role, created_at, updated_at) VALUES ($id, $email, 'user', '2026-01-01 00:00:00', '2026-01-01 00:00:00')";
            insert.Parameters.AddWithValue("$id", $"wal-user-{index}");
            insert.Parameters.AddWithValue("$email", $"wal-user-{index}@example.com");
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static byte[] ReadPage(FileStream file, long pageNumber, int pageSize)
    {
        var page = new byte[pageSize];
        file.Position = (pageNumber - 1) * pageSize;
        file.ReadExactly(page);
        return page;
    }
}
