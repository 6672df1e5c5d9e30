using Compozy.Data.Persistence;
using Compozy.Data.Postgres;
using Compozy.Data.Postgres.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Compozy.Data.Tests.Model;

public sealed class PostgresCompiledModelTests
{
    // No connection is opened: building options and models needs no server.
    private const string ConnectionString = "Host=localhost;Database=compozy";

    [Fact]
    public void The_compiled_model_matches_the_model_the_configurations_build()
    {
        using var dataSource = CreateDataSource();

        CompiledModelCheck.ShouldMatchConfigurations(
            "PostgreSQL (src/Compozy.Data.Postgres/Model/Compiled)",
            new PostgresDbContextOptionsConfigurer(dataSource, NullLoggerFactory.Instance).CreateDesignTimeOptions(),
            PostgresCompiledModel.Instance.ShouldNotBeNull());
    }

    [Fact]
    public void The_read_and_writer_contexts_use_the_compiled_model_and_design_time_ones_do_not()
    {
        using var dataSource = CreateDataSource();
        var configurer = new PostgresDbContextOptionsConfigurer(dataSource, NullLoggerFactory.Instance);
        var read = new DbContextOptionsBuilder<CompozyDbContext>();
        configurer.ConfigureReadContext(read);

        ModelOf(read.Options).ShouldBeSameAs(PostgresCompiledModel.Instance);
        ModelOf(configurer.CreateWriterOptions()).ShouldBeSameAs(PostgresCompiledModel.Instance);
        ModelOf(configurer.CreateDesignTimeOptions()).ShouldBeNull();
    }

    private static NpgsqlDataSource CreateDataSource()
    {
        var builder = new NpgsqlDataSourceBuilder(ConnectionString);
        builder.UseVector();
        return builder.Build();
    }

    private static Microsoft.EntityFrameworkCore.Metadata.IModel? ModelOf(DbContextOptions options) =>
        options.FindExtension<CoreOptionsExtension>()?.Model;
}
