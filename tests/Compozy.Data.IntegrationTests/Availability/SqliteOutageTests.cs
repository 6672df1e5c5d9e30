using System.Diagnostics;
using Compozy.Data.Errors;
using Compozy.Data.Health;
using Compozy.Data.IntegrationTests.Sqlite;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace Compozy.Data.IntegrationTests.Availability;

/// <summary>
/// The filesystem under a SQLite database goes away while the host runs (the server of a FUSE
/// mount dies, as a network filesystem's would): requests fail until the circuit opens, are then
/// refused at once, and readiness says why. The probe keeps trying and does not close the
/// circuit while the filesystem answers nothing.
/// </summary>
public sealed class SqliteOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task While_the_filesystem_is_gone_requests_are_refused_at_once_and_readiness_says_why()
    {
        using var mount = BindfsMount.Create();
        var logs = new CapturedLogs();
        await using var services = TestDatabase.BuildServices(
            new Dictionary<string, string?>
            {
                ["database:driver"] = "sqlite",
                ["database:path"] = Path.Combine(mount.MountPoint, "compozy.db"),
                ["database:sqlite:allow_network_filesystem"] = "true",
                ["database:circuit:failure_threshold"] = "3",
                ["database:circuit:probe_interval"] = "250ms",
            },
            logs: logs);
        using var meters = new MeterRecorder(services);
        await using var exercise = new CircuitExercise(services, output);
        await exercise.StartAsync();
        await exercise.RequestAsync();

        var downAt = Stopwatch.GetTimestamp();
        mount.KillDaemon();
        var (failures, _) = await exercise.RequestUntilRefusedAsync(downAt);
        var (errors, _) = await exercise.RequestConcurrentlyAsync();
        var readiness = await exercise.ReadinessAsync();

        failures.Count.ShouldBe(3, "the circuit opens after database.circuit.failure_threshold consecutive failures, not before");
        failures.ShouldAllBe(failure => failure.Kind == DbErrorKind.ConnectionFailed, "an I/O error is the file out of reach: 503, not 500");
        errors.ShouldAllBe(error => error is DatabaseUnavailableException);
        errors.Cast<DatabaseUnavailableException>().ShouldAllBe(error => error.Kind == DbErrorKind.ConnectionFailed && error.RetryAfter == TimeSpan.FromSeconds(1));
        readiness.Status.ShouldBe(HealthStatus.Unhealthy);
        readiness.Description.ShouldStartWith("database unavailable since ");
        readiness.Description.ShouldEndWith("; retrying every 250ms");
        logs.Containing("[4201]").Count.ShouldBe(1);
        meters.Sum(DatabaseCircuit.RejectedInstrument).ShouldBeGreaterThanOrEqualTo(CircuitExercise.ConcurrentRequests + 1);

        // Two failed probes: the filesystem answering nothing is no recovery.
        await logs.WaitForCountAsync("[4203]", 2, CircuitExercise.Bound);
        exercise.Circuit.IsOpen.ShouldBeTrue();
        services.GetRequiredService<DatabaseFault>().Reason.ShouldBeNull("a filesystem that does not answer is not proof that the file is gone");
    }
}
