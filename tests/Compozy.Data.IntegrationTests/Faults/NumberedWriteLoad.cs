using System.Collections.Concurrent;
using System.Diagnostics;
using Compozy.Data.Errors;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// Callers writing numbered rows <c>(caller, seq)</c> into <c>numbered_writes</c> through the layer's writer, one after the
/// other each, while a fault test breaks the server under them; every outcome is recorded. The
/// table has no key on purpose: a write applied twice shows up as two rows.
/// </summary>
internal sealed class NumberedWriteLoad : IAsyncDisposable
{
    private readonly ConcurrentQueue<WriteOutcome> _outcomes = new();
    private readonly CancellationTokenSource _finish = new();
    private readonly Task[] _callers;
    private readonly int _callerCount;

    private NumberedWriteLoad(IDatabaseWriter writer, int callers, TimeSpan writeBound)
    {
        _callerCount = callers;
        _callers = Enumerable.Range(0, callers).Select(caller => Task.Run(() => WriteLoopAsync(writer, caller, writeBound))).ToArray();
    }

    /// <summary>Every write so far.</summary>
    public IReadOnlyList<WriteOutcome> Outcomes => [.. _outcomes];

    /// <summary>Creates the table <c>numbered_writes</c> and starts <paramref name="callers"/> callers writing into it.</summary>
    /// <param name="writer">The layer's writer, on the database under test.</param>
    /// <param name="callers">How many callers write at once.</param>
    /// <param name="writeBound">A hang detector for one write, not a timing requirement.</param>
    public static async Task<NumberedWriteLoad> StartAsync(IDatabaseWriter writer, int callers, TimeSpan writeBound)
    {
        await writer.WriteAsync((context, token) => context.Database.ExecuteSqlRawAsync("CREATE TABLE numbered_writes (caller int NOT NULL, seq int NOT NULL)", token));
        return new NumberedWriteLoad(writer, callers, writeBound);
    }

    /// <summary>Acknowledged writes of each caller that started after <paramref name="after"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public IEnumerable<int> AcknowledgedPerCaller(long after) => PerCaller(outcome => outcome.Acknowledged && outcome.StartedAt > after);

    /// <summary>Failed writes of each caller that started after <paramref name="after"/>.</summary>
    public IEnumerable<int> FailedPerCaller(long after) => PerCaller(outcome => outcome.Error is not null && outcome.StartedAt > after);

    /// <summary>Stops the callers once each has finished the write it is in.</summary>
    public async Task StopAsync()
    {
        await _finish.CancelAsync();
        await Task.WhenAll(_callers);
    }

    /// <summary>How many times each <c>(caller, seq)</c> is stored in the database of <paramref name="connectionString"/>.</summary>
    public static async Task<Dictionary<(int Caller, int Seq), int>> CountRowsAsync(string connectionString)
    {
        var counts = new Dictionary<(int Caller, int Seq), int>();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT caller, seq, count(*)::int FROM numbered_writes GROUP BY caller, seq", connection);
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[(reader.GetInt32(0), reader.GetInt32(1))] = reader.GetInt32(2);
        }

        return counts;
    }

    /// <summary>
    /// The guarantee every fault test checks on the server that survived: no write stored twice,
    /// every acknowledged write stored once, only writes that were made stored, and every failure
    /// a connection failure (what a caller may retry after checking).
    /// </summary>
    public void ShouldHaveKeptEveryAcknowledgedWriteOnce(Dictionary<(int Caller, int Seq), int> stored, DbErrorTranslator translator, string during)
    {
        var all = Outcomes;
        stored.Where(row => row.Value > 1).ShouldBeEmpty("no write may be applied twice");
        foreach (var acknowledged in all.Where(outcome => outcome.Acknowledged))
        {
            stored.GetValueOrDefault((acknowledged.Caller, acknowledged.Seq)).ShouldBe(1, $"caller {acknowledged.Caller} write {acknowledged.Seq} was acknowledged");
        }

        stored.Keys.ShouldAllBe(key => all.Any(outcome => outcome.Caller == key.Caller && outcome.Seq == key.Seq), "only writes that were made are stored");
        foreach (var failed in all.Where(outcome => outcome.Error is not null))
        {
            DbErrorKind? kind = translator.Translate(failed.Error!, during)?.Kind;
            kind.ShouldBe(DbErrorKind.ConnectionFailed, failed.Error!.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _finish.Dispose();
    }

    private List<int> PerCaller(Func<WriteOutcome, bool> counted)
    {
        var outcomes = Outcomes;
        return Enumerable.Range(0, _callerCount).Select(caller => outcomes.Count(outcome => outcome.Caller == caller && counted(outcome))).ToList();
    }

    private async Task WriteLoopAsync(IDatabaseWriter writer, int caller, TimeSpan writeBound)
    {
        for (var seq = 0; !_finish.IsCancellationRequested; seq++)
        {
            var started = Stopwatch.GetTimestamp();
            var number = seq;

            // Not cancelled when the load stops: a write in flight runs to its outcome.
            var write = writer.WriteAsync(
                (context, token) => context.Database.ExecuteSqlAsync($"INSERT INTO numbered_writes (caller, seq) VALUES ({caller}, {number})", token),
                CancellationToken.None);
            Exception? error = null;
            var hung = false;
            try
            {
                await write.WaitAsync(writeBound, CancellationToken.None);
            }
            catch (TimeoutException) when (!write.IsCompleted)
            {
                hung = true;
            }
            catch (Exception exception)
            {
                error = exception;
            }

            _outcomes.Enqueue(new WriteOutcome(caller, seq, started, Stopwatch.GetTimestamp(), error, hung));
            if (hung)
            {
                return;
            }
        }
    }
}
