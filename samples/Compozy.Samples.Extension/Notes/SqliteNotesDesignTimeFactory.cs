using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Design;

namespace Compozy.Samples.Extension.Notes;

/// <summary>What <c>dotnet ef ... --context SqliteNotesDbContext</c> builds; generating a migration opens no connection.</summary>
public sealed class SqliteNotesDesignTimeFactory : IDesignTimeDbContextFactory<SqliteNotesDbContext>
{
    public SqliteNotesDbContext CreateDbContext(string[] args) =>
        new(SqliteNotesDbContext.Options(new SqliteConnection("Data Source=:memory:")));
}
