using Compozy.Data.Persistence;
using Compozy.Data.Sqlite.Model;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

public sealed class SqliteCompiledModelUseTests
{
    [Fact]
    public async Task The_read_and_writer_contexts_of_a_host_use_the_compiled_model()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "compiled_model")).MigrateAsync();
        var compiled = SqliteCompiledModel.Instance.ShouldNotBeNull();

        var read = await db.Services.GetRequiredService<IDbContextFactory<CompozyDbContext>>().CreateDbContextAsync();
        await using (read)
        {
            ModelOf(read).ShouldBeSameAs(compiled, "read contexts");
        }

        var written = await db.Services.GetRequiredService<SqliteDatabaseWriter>().RunExclusiveAsync((context, _) => Task.FromResult(ModelOf(context)));
        written.ShouldBeSameAs(compiled, "writer contexts");
    }

    private static IModel? ModelOf(DbContext context) =>
        context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Model;
}
