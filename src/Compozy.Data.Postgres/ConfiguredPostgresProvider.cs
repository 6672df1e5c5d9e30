using Compozy.Data.Errors;
using Compozy.Data.Operations;
using Compozy.Data.Operations.Transfer;
using Compozy.Data.Postgres.Configuration;
using Compozy.Data.Postgres.Connections;
using Compozy.Data.Postgres.Errors;
using Compozy.Data.Postgres.Knowledge;
using Compozy.Data.Postgres.Operations;
using Compozy.Data.Postgres.Writes;
using Compozy.Data.Postgres.Stores;
using Compozy.Data.Providers;
using Compozy.Data.Stores;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Compozy.Data.Postgres;

/// <summary>The PostgreSQL provider with validated settings.</summary>
internal sealed class ConfiguredPostgresProvider(PostgresOptions options) : IConfiguredDatabaseProvider
{
    public string Driver => PostgresDatabaseProvider.DriverName;

    public string Description =>
        $"postgres {options.SafeDescription} (pool of {options.MaxIdleConnections} to {options.MaxOpenConnections} connections; concurrent writers, transient failures retried)";

    public void AddServices(IServiceCollection services)
    {
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));

        // One data source per host: it owns the connection pool and is disposed with the host. It
        // knows pgvector's vector type, which embeddings are stored as.
        services.AddSingleton(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            builder.UseVector();
            return builder.Build();
        });
        services.AddSingleton(_ => new PostgresSessionDataSource(options.ConnectionString));
        services.AddSingleton<PostgresDbContextOptionsConfigurer>();
        services.AddSingleton<IDbContextOptionsConfigurer>(provider => provider.GetRequiredService<PostgresDbContextOptionsConfigurer>());
        services.AddSingleton<PostgresReturnedMarks>();
        services.AddSingleton<PostgresDatabaseWriter>();
        services.AddSingleton<IDatabaseWriter>(provider => provider.GetRequiredService<PostgresDatabaseWriter>());
        services.AddSingleton<IDatabaseStatusReader, PostgresStatusReader>();
        services.AddSingleton<IDbErrorClassifier, PostgresErrorClassifier>();
        services.AddSingleton<IDatabaseMaintenance, PostgresMaintenance>();
        services.AddSingleton<IDatabaseBackup, PostgresBackup>();
        services.AddSingleton<IDatabaseRecovery, PostgresRecovery>();
        services.AddSingleton<ITransferDialect, PostgresTransferDialect>();
        services.AddSingleton<IStoreDialect, PostgresStoreDialect>();
        services.AddSingleton<IPreparedReads, PostgresPreparedReads>();
    }
}
