using System.Data.Common;
using Compozy.Data.Entities;
using Compozy.Data.Persistence;
using Compozy.Data.Providers;
using Compozy.Data.Stores;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Stores;

/// <summary>
/// A store's read streams its rows: it runs as one operation of the provider's retrying strategy,
/// and inside such an operation EF does not copy a query's rows into memory before materializing
/// them, as it does outside one.
/// </summary>
public sealed class ReadStreamingTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    [Theory, DatabaseData]
    public async Task Inside_an_operation_of_the_strategy_rows_are_materialized_while_the_reader_is_open(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflowId = NewId("streamed");
        var workflows = db.Services.GetRequiredService<IWorkflowStore>();
        for (var i = 0; i < 3; i++)
        {
            var state = Workflow();
            state.WorkflowId = workflowId;
            await workflows.UpsertStateAsync(state);
        }

        var probe = new ReaderProbe();
        var builder = new DbContextOptionsBuilder<CompozyDbContext>();
        db.Services.GetRequiredService<IDbContextOptionsConfigurer>().ConfigureReadContext(builder);
        builder.AddInterceptors(probe);
        var context = new CompozyDbContext(builder.Options);
        await using (context)
        {
            Task<List<WorkflowState>> ReadAsync(CancellationToken token) =>
                context.WorkflowStates.AsNoTracking().Where(state => state.WorkflowId == workflowId).ToListAsync(token);

            // Outside first: EF settles whether a context's queries are buffered outside an
            // operation when the context first needs its query services.
            (await ReadAsync(CancellationToken.None)).Count.ShouldBe(3);
            probe.MaterializedWithReaderOpen.ShouldBe(0, "outside an operation EF reads every row into memory and closes the reader first");

            (await context.Database.CreateExecutionStrategy().ExecuteAsync(ReadAsync, CancellationToken.None)).Count.ShouldBe(3);
            probe.MaterializedWithReaderOpen.ShouldBe(3, "inside one every row is materialized from the open reader");
        }
    }

    [Theory, DatabaseData]
    public async Task A_store_read_runs_as_one_operation_of_the_providers_retrying_strategy(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var reads = db.Services.GetRequiredService<StoreReads>();

        var running = await reads.RunAsync("probe the strategy", (_, _) => Task.FromResult(ExecutionStrategy.Current), CancellationToken.None);

        running.ShouldNotBeNull("the read ran outside any execution strategy").MaxRetryCount.ShouldBeGreaterThan(0);
        ExecutionStrategy.Current.ShouldBeNull();
    }

    /// <summary>Counts the entities of the last query materialized while the provider's own reader was still open.</summary>
    private sealed class ReaderProbe : DbCommandInterceptor, IMaterializationInterceptor
    {
        private DbDataReader? _reader;

        public int MaterializedWithReaderOpen { get; private set; }

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result) => Watch(result);

        public override ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Watch(result));

        public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
        {
            if (_reader is { IsClosed: false })
            {
                MaterializedWithReaderOpen++;
            }

            return entity;
        }

        private DbDataReader Watch(DbDataReader reader)
        {
            _reader = reader;
            MaterializedWithReaderOpen = 0;
            return reader;
        }
    }
}
