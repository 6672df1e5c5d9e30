using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Samples.Extension.Notes;

/// <summary>The notes on SQLite; its migrations are in Migrations/Sqlite.</summary>
public sealed class SqliteNotesDbContext(DbContextOptions<SqliteNotesDbContext> options) : NotesDbContext(options)
{
    /// <summary>The options of every SQLite notes context, at run time and for <c>dotnet ef</c>.</summary>
    public static DbContextOptions<SqliteNotesDbContext> Options(DbConnection connection) =>
        new DbContextOptionsBuilder<SqliteNotesDbContext>()
            .UseSqlite(connection, sqlite => sqlite.MigrationsHistoryTable(HistoryTable))
            .Options;
}
