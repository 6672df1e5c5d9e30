using System.Globalization;
using Compozy.Data.CrashHarness;
using Compozy.Data.Testing;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.IntegrationTests.Durability;

/// <summary>
/// The durability proof: a child process commits through the real SQLite write path and
/// acknowledges each commit; it is SIGKILLed at random moments, including inside checkpoints,
/// inside maintenance and during startup recovery, and after every kill every acknowledged
/// transaction must be present and whole, nothing partial visible, and integrity_check ok.
/// <c>scripts/crash-test.sh</c> runs the same loop for thousands of kills.
/// </summary>
public sealed class KillNineTests
{
    /// <summary>Rounds in CI; COMPOZY_KILL_ROUNDS raises it locally.</summary>
    private static int Rounds =>
        int.TryParse(Environment.GetEnvironmentVariable("COMPOZY_KILL_ROUNDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var rounds) ? rounds : 60;

    [Fact]
    public async Task Every_acknowledged_write_survives_sigkill_whole_including_kills_inside_checkpoints_and_maintenance()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "kill9");
        var harness = Path.Combine(AppContext.BaseDirectory, "compozy-crash-harness");
        var seed = Environment.TickCount;

        var report = await KillLoop.RunAsync(harness, db.Location, Rounds, seed, "FULL", TextWriter.Null);

        report.Failures.ShouldBeEmpty($"seed {seed}: replay with compozy-crash-harness torture --seed {seed}");
        report.Kills.ShouldBe(Rounds);
        report.KillsByPhase.GetValueOrDefault("checkpoint").ShouldBeGreaterThanOrEqualTo(Rounds * 3 / 10);
        report.KillsByPhase.GetValueOrDefault("maintenance").ShouldBeGreaterThanOrEqualTo(Rounds * 3 / 10);
        report.KillsByPhase.GetValueOrDefault("startup").ShouldBeGreaterThanOrEqualTo(Rounds / 10);
        report.RoundsWithNothingAtRisk.ShouldBe(0, "each round outside startup must kill a child with acknowledged commits at risk");
    }

    [Fact]
    public async Task The_verifier_notices_a_lost_and_a_partial_transaction()
    {
        // Guards the guard: a verifier that could not see loss would make the kill test pass vacuously.
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "verifier")).MigrateAsync();
        await db.DisposeServicesAsync();
        using (var connection = new SqliteConnection($"Data Source={db.Location};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                "INSERT INTO workflow_states (workflow_exec_id, workflow_id, status, input, created_at, updated_at) VALUES ('half', 'crash-harness', 'RUNNING', '{\"k\":3}', '2026-01-01 00:00:00', '2026-01-01 00:00:00');" +
                "INSERT INTO task_states (task_exec_id, task_id, component, status, workflow_exec_id, workflow_id, created_at, updated_at) VALUES ('half-t0', 's', 'task', 'SUCCESS', 'half', 'crash-harness', '2026-01-01 00:00:00', '2026-01-01 00:00:00');";
            command.ExecuteNonQuery();
        }

        var failures = DurabilityVerifier.Verify(db.Location, new Dictionary<string, int> { ["never-written"] = 2, ["half"] = 3 });

        failures.ShouldContain("acknowledged transaction lost: never-written");
        failures.ShouldContain("partial transaction visible: half has 1 of its 3 tasks");
        failures.ShouldContain("acknowledged transaction damaged: half has 1 of 3 tasks");
    }
}
