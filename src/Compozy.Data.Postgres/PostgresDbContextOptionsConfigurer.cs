using Compozy.Data.Migrations;
using Compozy.Data.Migrations.Postgres;
using Compozy.Data.Persistence;
using Compozy.Data.Postgres.Migrations;
using Compozy.Data.Postgres.Model;
using Compozy.Data.Providers;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Compozy.Data.Postgres;

/// <summary>Builds EF Core options for PostgreSQL read and write contexts on the shared data source.</summary>
internal sealed class PostgresDbContextOptionsConfigurer(NpgsqlDataSource dataSource, ILoggerFactory loggerFactory) : IDbContextOptionsConfigurer
{
    /// <summary>Retries of a transient failure before it reaches the caller.</summary>
    public const int MaxRetryCount = 6;

    /// <summary>Longest pause between retries (the backoff is exponential with jitter up to this).</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    public void ConfigureReadContext(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Configure(builder);
        UseCompiledModel(builder);
        builder.AddInterceptors(ReadOnlyContextGuard.Instance);
        builder.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
    }

    /// <summary>Options for the writer's contexts, on the pool; or, given <paramref name="sessions"/>, on connections of their own (exclusive work).</summary>
    public DbContextOptions<CompozyDbContext> CreateWriterOptions(NpgsqlDataSource? sessions = null)
    {
        var builder = new DbContextOptionsBuilder<CompozyDbContext>();
        Configure(builder, sessions ?? dataSource);
        UseCompiledModel(builder);
        builder.UseLoggerFactory(loggerFactory);
        return builder.Options;
    }

    /// <summary>
    /// Options for <c>dotnet ef</c> (<see cref="Migrations.PostgresDesignTimeDbContextFactory"/>):
    /// the writer's, except that the model is built from the entity configurations, not taken from
    /// the compiled model: <c>migrations add</c>, <c>has-pending-model-changes</c> and
    /// <c>dbcontext optimize</c> must see the model as the code declares it.
    /// </summary>
    public DbContextOptions<CompozyDbContext> CreateDesignTimeOptions()
    {
        var builder = new DbContextOptionsBuilder<CompozyDbContext>();
        Configure(builder);
        builder.UseLoggerFactory(loggerFactory);
        return builder.Options;
    }

    private static void UseCompiledModel(DbContextOptionsBuilder builder)
    {
        if (PostgresCompiledModel.Instance is { } model)
        {
            builder.UseModel(model);
        }
    }

    private void Configure(DbContextOptionsBuilder builder) => Configure(builder, dataSource);

    private static void Configure(DbContextOptionsBuilder builder, NpgsqlDataSource source)
    {
        builder.UseNpgsql(source, ConfigureNpgsql);
        builder.ReplaceService<IModelCustomizer, PostgresModelCustomizer>();
        builder.ReplaceService<IHistoryRepository, PostgresMigrationHistoryRepository>();
    }

    private static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql) =>
        // Embeddings map to pgvector's vector (Pgvector.EntityFrameworkCore); the data source knows
        // the type too (ConfiguredPostgresProvider), since EF does not build it here.
        npgsql.UseVector()
            .MigrationsAssembly(PostgresMigrationsAssembly.Name)
            .MigrationsHistoryTable(MigrationHistory.TableName)
            .ExecutionStrategy(dependencies => new PostgresRetryingExecutionStrategy(dependencies, MaxRetryCount, MaxRetryDelay));
}
