using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Health;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Operations.Transfer;
using Compozy.Data.Providers;
using Compozy.Data.Sqlite.Stores;
using Compozy.Data.Stores;
using Compozy.Data.Sqlite.Backups;
using Compozy.Data.Sqlite.Checkpoints;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Sqlite.Errors;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Sqlite.Integrity;
using Compozy.Data.Sqlite.Migrations;
using Compozy.Data.Sqlite.Operations;
using Compozy.Data.Sqlite.Startup;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Startup;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite;

/// <summary>The SQLite provider with validated settings.</summary>
internal sealed class ConfiguredSqliteProvider(SqliteOptions options) : IConfiguredDatabaseProvider
{
    public string Driver => SqliteDatabaseProvider.DriverName;

    public SqliteOptions Options => options;

    public string Description => options.IsInMemory
        ? "sqlite :memory: (one database for the life of this process; single writer connection)"
        : $"sqlite file {options.Path} (synchronous={options.Synchronous.ToString().ToUpperInvariant()}; single writer connection{(options.GroupCommit ? " with group commit" : string.Empty)}, pooled read connections)";

    public void PublishLiveSettings(IServiceProvider services) =>
        services.GetRequiredService<LiveOptions<SqliteOptions>>().Publish(options);

    public void AddServices(IServiceCollection services)
    {
        services.AddLiveOptions(options);
        services.TryAddSingleton<IFileSystemProbe, StatFsFileSystemProbe>();
        services.AddSingleton<SqliteMetrics>();
        services.AddSingleton<SqliteBusyCounter>();
        services.AddSingleton<IDbErrorClassifier, SqliteErrorClassifier>();
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton(provider => new SqliteDatabaseFileGuard(
            provider.GetRequiredService<SqliteConnectionFactory>().Files,
            provider.GetRequiredService<DatabaseFault>(),
            provider.GetRequiredService<ILogger<SqliteDatabaseFileGuard>>()));
        services.AddSingleton<SqliteIdleReadConnections>();
        services.AddSingleton<SqliteConnectionSetup>();
        services.AddSingleton<IPreparedReads, SqlitePreparedReads>();
        services.AddSingleton<SqliteDbContextOptionsConfigurer>();
        services.AddSingleton<IDbContextOptionsConfigurer>(provider => provider.GetRequiredService<SqliteDbContextOptionsConfigurer>());
        services.AddSingleton<SqliteDatabaseWriter>();
        services.AddSingleton<IDatabaseWriter>(provider => provider.GetRequiredService<SqliteDatabaseWriter>());
        services.AddSingleton<SqliteCheckpointer>();
        services.AddSingleton<SqliteMaintenance>();
        services.AddSingleton<IDatabaseMaintenance>(provider => provider.GetRequiredService<SqliteMaintenance>());
        services.AddSingleton<IDatabaseStatusReader, SqliteStatusReader>();
        services.AddSingleton<IMigrationHistoryReader, SqliteMigrationHistoryReader>();
        services.AddSingleton<SqliteBackup>();
        services.AddSingleton<IDatabaseBackup>(provider => provider.GetRequiredService<SqliteBackup>());
        services.AddSingleton<SqliteRecovery>();
        services.AddSingleton<IDatabaseRecovery>(provider => provider.GetRequiredService<SqliteRecovery>());
        services.AddSingleton<ITransferDialect, SqliteTransferDialect>();
        services.AddSingleton<IDatabaseStartupCheck, SqliteStartupCheck>();
        services.AddSingleton<IStoreDialect, SqliteStoreDialect>();
        if (!options.IsInMemory)
        {
            services.AddHostedService<SqliteCheckpointService>();
            if (options.BackupInterval is not null)
            {
                services.AddHostedService<SqliteBackupService>();
            }

            if (options.IntegrityCheckInterval is not null)
            {
                services.AddHostedService<SqliteIntegrityCheckService>();
            }

            services.AddHealthChecks().AddCheck<SqliteDatabaseFileHealthCheck>(
                SqliteDatabaseFileHealthCheck.Name, tags: [DatabaseReadinessHealthCheck.ReadyTag]);
        }
    }
}
