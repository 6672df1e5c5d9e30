using Compozy.Data.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Compozy.Samples.Extension.Notes;

/// <summary>
/// The team's own model, next to Compozy's in the same database. One subclass per database
/// (<see cref="SqliteNotesDbContext"/>, <see cref="PostgresNotesDbContext"/>) gives each dialect
/// its own migrations and snapshot in this one project, as Compozy keeps its own.
/// </summary>
public abstract class NotesDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>
    /// The history table of these migrations. Not Compozy's <c>__EFMigrationsHistory</c>: there,
    /// `compozy migrate status` would list them as unknown migrations of a newer build.
    /// </summary>
    public const string HistoryTable = "__NotesMigrationsHistory";

    public DbSet<Note> Notes => Set<Note>();

    /// <summary>
    /// A context on the connection (and transaction, if any) of one of Compozy's contexts: a
    /// writer context from <c>IDatabaseWriter</c> to write, a read context to read. On SQLite this
    /// keeps every write on Compozy's single writer connection, inside its transaction.
    /// </summary>
    public static NotesDbContext On(CompozyDbContext compozy)
    {
        ArgumentNullException.ThrowIfNull(compozy);
        NotesDbContext notes = compozy.Database.GetDbConnection() switch
        {
            SqliteConnection sqlite => new SqliteNotesDbContext(SqliteNotesDbContext.Options(sqlite)),
            NpgsqlConnection npgsql => new PostgresNotesDbContext(PostgresNotesDbContext.Options(npgsql)),
            var other => throw new NotSupportedException($"the notes have migrations for SQLite and PostgreSQL only, not for {other.GetType().Name}"),
        };
        if (compozy.Database.CurrentTransaction is { } transaction)
        {
            notes.Database.UseTransaction(transaction.GetDbTransaction());
        }

        return notes;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfiguration(new NoteConfiguration());
}
