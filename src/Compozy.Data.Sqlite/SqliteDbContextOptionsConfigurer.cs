using Compozy.Data.Migrations;
using Compozy.Data.Migrations.Sqlite;
using Compozy.Data.Persistence;
using Compozy.Data.Providers;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Sqlite.Migrations;
using Compozy.Data.Sqlite.Model;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite;

/// <summary>Builds EF Core options for SQLite read contexts and for the writer's contexts.</summary>
internal sealed class SqliteDbContextOptionsConfigurer(
    SqliteConnectionFactory connections, SqliteConnectionSetup setup, SqliteBusyCounter busyCounter, SqliteDatabaseFileGuard guard)
    : IDbContextOptionsConfigurer
{
    private readonly SqlitePragmaInterceptor _readerInterceptor = new(setup, SqliteConnectionRole.Reader);
    private readonly SqliteDatabaseFileInterceptor _fileInterceptor = new(guard);
    private readonly SqliteCancellationInterceptor _cancellation = new();

    public void ConfigureReadContext(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSqlite(connections.ReaderConnectionString, ConfigureSqlite);
        ConfigureCommon(builder);
        UseCompiledModel(builder);
        builder.AddInterceptors(_fileInterceptor, _readerInterceptor, _cancellation, busyCounter, ReadOnlyContextGuard.Instance);
        builder.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
    }

    /// <summary>
    /// Options for contexts that run on the writer's open connection, with the statement cache of
    /// that connection (only the writer's: a read connection goes back to the pool after each read).
    /// </summary>
    public static DbContextOptions<CompozyDbContext> CreateWriterOptions(
        SqliteConnection writerConnection, ILoggerFactory loggerFactory, SqliteBusyCounter busyCounter, SqliteStatementCache statements)
    {
        var builder = CreateBuilder(writerConnection);
        UseCompiledModel(builder);
        builder.AddInterceptors(busyCounter, statements);
        builder.UseLoggerFactory(loggerFactory);
        return builder.Options;
    }

    /// <summary>
    /// Options for <c>dotnet ef</c> (<see cref="Migrations.SqliteDesignTimeDbContextFactory"/>): the
    /// model, migrations assembly and history table of the writer's contexts, without its
    /// connection profile, which design-time commands do not need. The model is built from the
    /// entity configurations, not taken from the compiled model: <c>migrations add</c>,
    /// <c>has-pending-model-changes</c> and <c>dbcontext optimize</c> must see the model as the
    /// code declares it.
    /// </summary>
    public static DbContextOptions<CompozyDbContext> CreateDesignTimeOptions(SqliteConnection connection) =>
        CreateBuilder(connection).Options;

    private static DbContextOptionsBuilder<CompozyDbContext> CreateBuilder(SqliteConnection connection)
    {
        var builder = new DbContextOptionsBuilder<CompozyDbContext>();
        builder.UseSqlite(connection, ConfigureSqlite);
        ConfigureCommon(builder);
        return builder;
    }

    private static void ConfigureSqlite(Microsoft.EntityFrameworkCore.Infrastructure.SqliteDbContextOptionsBuilder sqlite) =>
        sqlite.MigrationsAssembly(SqliteMigrationsAssembly.Name)
            .MigrationsHistoryTable(MigrationHistory.TableName)
            .ExecutionStrategy(dependencies => new SqliteBusyRetryingStrategy(dependencies));

    private static void UseCompiledModel(DbContextOptionsBuilder builder)
    {
        if (SqliteCompiledModel.Instance is { } model)
        {
            builder.UseModel(model);
        }
    }

    private static void ConfigureCommon(DbContextOptionsBuilder builder)
    {
        builder.ReplaceService<IModelCustomizer, SqliteModelCustomizer>();
        builder.ReplaceService<IHistoryRepository, SqliteMigrationHistoryRepository>();
    }
}
