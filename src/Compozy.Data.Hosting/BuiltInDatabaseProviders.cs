using Compozy.Data.Postgres;
using Compozy.Data.Providers;
using Compozy.Data.Sqlite;

namespace Compozy.Data.Hosting;

/// <summary>The database providers shipped with Compozy.Data.</summary>
public static class BuiltInDatabaseProviders
{
    /// <summary>SQLite and PostgreSQL.</summary>
    public static IReadOnlyList<IDatabaseProvider> All { get; } = [new SqliteDatabaseProvider(), new PostgresDatabaseProvider()];
}
