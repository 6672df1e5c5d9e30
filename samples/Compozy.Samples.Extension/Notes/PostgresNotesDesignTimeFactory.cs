using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace Compozy.Samples.Extension.Notes;

/// <summary>What <c>dotnet ef ... --context PostgresNotesDbContext</c> builds; generating a migration opens no connection.</summary>
public sealed class PostgresNotesDesignTimeFactory : IDesignTimeDbContextFactory<PostgresNotesDbContext>
{
    public PostgresNotesDbContext CreateDbContext(string[] args) =>
        new(PostgresNotesDbContext.Options(new NpgsqlConnection("Host=localhost;Database=notes")));
}
