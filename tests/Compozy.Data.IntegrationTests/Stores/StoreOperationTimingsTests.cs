using Compozy.Data.Diagnostics;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Compozy.Data.IntegrationTests.Stores;

public sealed class StoreOperationTimingsTests
{
    [Theory, DatabaseData]
    public async Task Each_store_operation_is_measured_by_name_provider_and_outcome_and_a_slow_one_is_logged_with_its_shape_not_its_values(DatabaseKind database)
    {
        await using var db = await (await TestDatabase.CreateAsync(database, "timings")).MigrateAsync();
        await db.DisposeServicesAsync();
        var driver = database == DatabaseKind.Sqlite ? "sqlite" : "postgres";

        // Each reading of the fake clock moves it 1 ms, so every operation here takes at least
        // that long: past a threshold of 1 ms, and far below one of an hour.
        var (fast, fastLogs) = await RunOperationsAsync(db, "1h", "below");
        await using (fast)
        {
            fastLogs.Containing("slow store operation").ShouldBeEmpty();
        }

        var (slow, slowLogs) = await RunOperationsAsync(db, "1ms", "past");
        await using (slow)
        {
            using var recorder = new MeterRecorder(slow);
            await Should.ThrowAsync<CompozyDataException>(() => slow.GetRequiredService<IWorkflowStore>().GetStateAsync("missing-exec-id"));
            recorder.Count(StoreOperationTimings.DurationInstrument, $"db.system={driver},operation=get workflow state,outcome=NotFound").ShouldBe(1);

            var logged = slowLogs.Containing("slow store operation:");
            logged.ShouldContain(line => line.Contains($"slow store operation: upsert workflow state (-) on {driver} took", StringComparison.Ordinal) && line.Contains("outcome ok; database.slow_operation_threshold is 1 ms", StringComparison.Ordinal));
            logged.ShouldContain(line => line.Contains($"slow store operation: get workflow state (-) on {driver} took", StringComparison.Ordinal) && line.Contains("outcome NotFound", StringComparison.Ordinal));
            logged.ShouldAllBe(line => !line.Contains("exec-id", StringComparison.Ordinal), "the log names operations, not the values they were given");
        }
    }

    private static async Task<(ServiceProvider Services, CapturedLogs Logs)> RunOperationsAsync(TestDatabase db, string threshold, string run)
    {
        var logs = new CapturedLogs();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        var settings = new Dictionary<string, string?>(db.Settings) { ["database:slow_operation_threshold"] = threshold };
        var services = TestDatabase.BuildServices(settings, registrations => registrations.AddSingleton<TimeProvider>(clock), logs);
        using var recorder = new MeterRecorder(services);
        var now = clock.GetUtcNow().UtcDateTime;
        await services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(
            new WorkflowState { WorkflowExecId = $"{run}-exec-id", WorkflowId = "flow", Status = ExecutionStatus.Running, CreatedAt = now, UpdatedAt = now });
        recorder.Count(
            StoreOperationTimings.DurationInstrument,
            $"db.system={(db.Kind == DatabaseKind.Sqlite ? "sqlite" : "postgres")},operation=upsert workflow state,outcome=ok").ShouldBe(1);
        return (services, logs);
    }
}
