using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Testing;

namespace Compozy.Data.IntegrationTests.Sqlite;

/// <summary>
/// Holds the SQLite writer with an exclusive job so that writes queue up behind it, which is how
/// the writer tests make a batch form or catch the writer mid-work without timing anything.
/// </summary>
internal static class HeldWriter
{
    private const string QueueLength = "compozy.data.sqlite.writer.queue_length";

    /// <summary>Runs an exclusive job on <paramref name="writer"/> that holds it until <paramref name="gate"/> opens; returns once it runs.</summary>
    public static async Task<Task<bool>> HoldAsync(SqliteDatabaseWriter writer, TaskCompletionSource gate)
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = writer.RunOnConnectionAsync(async (_, _) =>
        {
            running.SetResult();
            await gate.Task;
            return true;
        });
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return holding;
    }

    /// <summary>Waits until the writer's queue-length gauge shows <paramref name="length"/> writes waiting behind the held job.</summary>
    public static Task QueueLengthReachesAsync(MeterRecorder recorder, int length) =>
        Poll.UntilAsync(
            () =>
            {
                recorder.Observe();
                var observed = recorder.Values(QueueLength);
                return observed.Count > 0 && observed[^1] >= length;
            },
            $"{length} writes queued behind the held job",
            TimeSpan.FromSeconds(30));
}
