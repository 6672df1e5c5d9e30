using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Samples.Extension.Notes;

/// <summary>The notes on PostgreSQL; its migrations are in Migrations/Postgres.</summary>
public sealed class PostgresNotesDbContext(DbContextOptions<PostgresNotesDbContext> options) : NotesDbContext(options)
{
    /// <summary>The options of every PostgreSQL notes context, at run time and for <c>dotnet ef</c>.</summary>
    public static DbContextOptions<PostgresNotesDbContext> Options(DbConnection connection) =>
        new DbContextOptionsBuilder<PostgresNotesDbContext>()
            .UseNpgsql(connection, npgsql => npgsql.MigrationsHistoryTable(HistoryTable))
            .Options;
}
