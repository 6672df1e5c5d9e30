using Compozy.Data.Providers;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Sqlite;

/// <summary>The SQLite provider with validated settings.</summary>
internal sealed class ConfiguredSqliteProvider(SqliteOptions options) : IConfiguredDatabaseProvider
{
    public string Driver => SqliteDatabaseProvider.DriverName;

    public SqliteOptions Options => options;

    public string Description => options.IsInMemory
        ? "sqlite :memory: (one database for the life of this process; single writer connection)"
        : $"sqlite file {options.Path} (single writer connection, pooled read connections)";

    public void AddServices(IServiceCollection services)
    {
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton<SqliteConnectionSetup>();
        services.AddSingleton<SqliteDbContextOptionsConfigurer>();
        services.AddSingleton<IDbContextOptionsConfigurer>(provider => provider.GetRequiredService<SqliteDbContextOptionsConfigurer>());
        services.AddSingleton<SqliteDatabaseWriter>();
        services.AddSingleton<IDatabaseWriter>(provider => provider.GetRequiredService<SqliteDatabaseWriter>());
    }
}
