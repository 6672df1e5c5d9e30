using Compozy.Data.Entities;
using Compozy.Data.Persistence;
using Compozy.Data.Sqlite;
using Compozy.Data.Sqlite.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Compozy.Data.Tests.Model;

public sealed class SqliteCompiledModelTests
{
    [Fact]
    public void The_compiled_model_matches_the_model_the_configurations_build()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");

        CompiledModelCheck.ShouldMatchConfigurations(
            "SQLite (src/Compozy.Data.Sqlite/Model/Compiled)",
            SqliteDbContextOptionsConfigurer.CreateDesignTimeOptions(connection),
            SqliteCompiledModel.Instance.ShouldNotBeNull());
    }

    [Fact]
    public void A_configuration_changed_after_the_model_was_compiled_fails_the_check_naming_the_change_and_the_script()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        var changed = new DbContextOptionsBuilder<CompozyDbContext>(SqliteDbContextOptionsConfigurer.CreateDesignTimeOptions(connection))
            .ReplaceService<IModelCustomizer, RenamingCustomizer>()
            .Options;

        var error = Should.Throw<Exception>(() => CompiledModelCheck.ShouldMatchConfigurations(
            "SQLite", changed, SqliteCompiledModel.Instance.ShouldNotBeNull()));

        error.Message.ShouldContain("scripts/compiled-models.sh");
        error.Message.ShouldContain("column e_mail");
    }

    [Fact]
    public void Design_time_contexts_build_the_model_from_the_configurations()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");

        SqliteDbContextOptionsConfigurer.CreateDesignTimeOptions(connection).FindExtension<CoreOptionsExtension>()?.Model.ShouldBeNull();
    }

    /// <summary>The SQLite dialect with one column renamed, as if a configuration had changed.</summary>
    private sealed class RenamingCustomizer(ModelCustomizerDependencies dependencies) : IModelCustomizer
    {
        public void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            new SqliteModelCustomizer(dependencies).Customize(modelBuilder, context);
            modelBuilder.Entity<User>().Property(user => user.Email).HasColumnName("e_mail");
        }
    }
}
