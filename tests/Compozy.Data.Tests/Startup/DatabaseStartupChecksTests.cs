using Compozy.Data.Operations;
using Compozy.Data.Startup;

namespace Compozy.Data.Tests.Startup;

public sealed class DatabaseStartupChecksTests
{
    [Fact]
    public async Task The_checks_run_once_in_order_however_often_and_concurrently_they_are_asked_for()
    {
        var log = new List<string>();
        using var checks = new DatabaseStartupChecks([new RecordingCheck("probe", log), new RecordingCheck("integrity", log)]);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => checks.EnsurePassedAsync(CancellationToken.None)));
        await checks.EnsurePassedAsync(CancellationToken.None);

        log.ShouldBe(["probe", "integrity"]);
    }

    [Fact]
    public async Task Damage_stops_the_caller_and_is_found_again_by_the_next_one()
    {
        var log = new List<string>();
        var damaged = new DamagedCheck();
        using var checks = new DatabaseStartupChecks([damaged, new RecordingCheck("after", log)]);

        var first = await Should.ThrowAsync<DatabaseIntegrityException>(() => checks.EnsurePassedAsync(CancellationToken.None));
        await Should.ThrowAsync<DatabaseIntegrityException>(() => checks.EnsurePassedAsync(CancellationToken.None));

        first.Problems.ShouldBe(["page 7: damaged"]);
        damaged.Runs.ShouldBe(2);
        log.ShouldBeEmpty("a check after the one that found damage must not run");
    }

    [Fact]
    public async Task A_provider_without_checks_opens_for_writing_at_once()
    {
        using var checks = new DatabaseStartupChecks([]);

        await checks.EnsurePassedAsync(CancellationToken.None);
    }

    private sealed class RecordingCheck(string name, List<string> log) : IDatabaseStartupCheck
    {
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            lock (log)
            {
                log.Add(name);
            }
        }
    }

    private sealed class DamagedCheck : IDatabaseStartupCheck
    {
        public int Runs { get; private set; }

        public Task RunAsync(CancellationToken cancellationToken)
        {
            Runs++;
            throw new DatabaseIntegrityException("damaged", ["page 7: damaged"]);
        }
    }
}
