using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Errors;
using Compozy.Data.Health;
using Compozy.Data.IntegrationTests.Faults;
using Compozy.Data.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace Compozy.Data.IntegrationTests.Availability;

/// <summary>
/// The PostgreSQL server stops under a running host: requests fail until the circuit opens,
/// are then refused at once, readiness says why, and the host recovers by itself when the server
/// is back. On the fault tests' own server, so that no other test sees the outage.
/// </summary>
[Collection(DedicatedPostgresServerDefinition.Name)]
public sealed class PostgresOutageTests(DedicatedPostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task While_the_server_is_down_requests_are_refused_at_once_and_the_host_recovers_when_it_returns()
    {
        output.WriteLine($"server: {server.Description}");
        var connectionString = await server.CreateDatabaseAsync("outage");
        var logs = new CapturedLogs();
        await using var services = TestDatabase.BuildServices(
            new Dictionary<string, string?>
            {
                ["database:driver"] = "postgres",
                ["database:conn_string"] = connectionString,
                ["database:circuit:failure_threshold"] = "3",
                ["database:circuit:probe_interval"] = "250ms",
            },
            logs: logs);
        using var meters = new MeterRecorder(services);
        await using var exercise = new CircuitExercise(services, output);
        await exercise.StartAsync();
        await exercise.RequestAsync();

        var downAt = Stopwatch.GetTimestamp();
        await server.StopAsync();
        var (failures, _) = await exercise.RequestUntilRefusedAsync(downAt);
        var (errors, _) = await exercise.RequestConcurrentlyAsync();
        var readiness = await exercise.ReadinessAsync();

        failures.Count.ShouldBe(3, "the circuit opens after database.circuit.failure_threshold consecutive failures, not before");
        failures.ShouldAllBe(failure => failure.Kind == DbErrorKind.ConnectionFailed || failure.Kind == DbErrorKind.Timeout);
        errors.ShouldAllBe(error => error is DatabaseUnavailableException);
        errors.Cast<DatabaseUnavailableException>().ShouldAllBe(error => error.RetryAfter == TimeSpan.FromSeconds(1));
        readiness.Status.ShouldBe(HealthStatus.Unhealthy);
        readiness.Description.ShouldStartWith("database unavailable since ");
        readiness.Description.ShouldEndWith("; retrying every 250ms");
        logs.Containing("[4201]").Count.ShouldBe(1);
        meters.Sum(DatabaseCircuit.RejectedInstrument).ShouldBeGreaterThanOrEqualTo(CircuitExercise.ConcurrentRequests + 1);
        meters.Observe();
        meters.Values(DatabaseCircuit.AvailableInstrument)[^1].ShouldBe(0);

        await server.StartAgainAsync();
        var upAt = Stopwatch.GetTimestamp();
        await Poll.UntilAsync(() => !exercise.Circuit.IsOpen, "the probe closing the circuit", CircuitExercise.Bound);
        var closedAfter = Stopwatch.GetElapsedTime(upAt);
        await exercise.RequestAsync();
        var servedAfter = Stopwatch.GetElapsedTime(upAt);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time to recover after the server accepted connections again: circuit closed in {closedAfter.TotalMilliseconds:F0} ms, first request served at {servedAfter.TotalMilliseconds:F0} ms"));

        (await exercise.ReadinessAsync()).Status.ShouldBe(HealthStatus.Healthy);
        logs.Containing("[4202]").Count.ShouldBe(1);
        meters.Observe();
        meters.Values(DatabaseCircuit.AvailableInstrument)[^1].ShouldBe(1);
        var (after, _) = await exercise.RequestConcurrentlyAsync();
        after.ShouldAllBe(error => error == null, "the same services serve again without a restart");
    }
}
