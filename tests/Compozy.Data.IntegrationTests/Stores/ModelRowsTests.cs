using Compozy.Data.Entities;
using Compozy.Data.IntegrationTests.Knowledge;
using Compozy.Data.Knowledge;
using Compozy.Data.Stores.Sql;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Stores;

/// <summary>
/// <see cref="ModelRows"/>, the read of a whole table on the way to ready (the knowledge start-up
/// check) that skips EF Core's query compiler: it must return what the LINQ query it replaces
/// returns, in the same order.
/// </summary>
public sealed class ModelRowsTests
{
    [Theory, DatabaseData]
    public async Task Every_row_reads_as_the_LINQ_query_reads_it_in_the_same_order(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "model_rows", KnowledgeStartupCheckTests.Entry(database, dimension: 4));
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        foreach (var name in new[] { "zeta", "alpha", "mid-2", "Mid-1" })
        {
            await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest(name, 4, VectorDbId: "docs"));
        }

        await knowledge.UpsertChunksAsync("alpha", [new VectorChunk("c1", "d1", "text", new float[] { 1, 0, 0, 0 }, null)]);

        await using var context = await db.Contexts.CreateDbContextAsync();
        var rows = await ModelRows.ReadAllAsync<KnowledgeBase>(context, nameof(KnowledgeBase.Name), CancellationToken.None);
        var expected = await context.KnowledgeBases.AsNoTracking().OrderBy(row => row.Name).ToListAsync();

        rows.Select(row => row.Name).ShouldBe(expected.Select(row => row.Name));
        rows.Count.ShouldBe(4);
        rows.Single(row => row.Name == "alpha").Revision.ShouldBeGreaterThan(0);
        for (var index = 0; index < rows.Count; index++)
        {
            var row = rows[index];
            await PreparedReadsTests.ShouldEqualAsync(
                db, row, each => each.KnowledgeBases.AsNoTracking().SingleAsync(candidate => candidate.Name == row.Name), "ModelRows");
        }
    }

    [Theory, DatabaseData]
    public async Task A_property_that_is_not_mapped_is_refused_by_name(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "model_rows_bad");
        await db.MigrateAsync();
        await using var context = await db.Contexts.CreateDbContextAsync();

        var error = await Should.ThrowAsync<InvalidOperationException>(() => ModelRows.ReadAllAsync<KnowledgeBase>(context, "Colour", CancellationToken.None));

        error.Message.ShouldContain("Colour");
    }
}
