using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Health;
using Compozy.Data.Startup;
using Compozy.Data.Stores.Auth;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Compozy.Data.IntegrationTests.Availability;

/// <summary>
/// What the outage tests of both databases do with a host's services once the database is
/// made unreachable: send requests until the circuit refuses, then concurrent ones, ask readiness,
/// and measure how long each took (reported in the test's output, never asserted).
/// </summary>
internal sealed class CircuitExercise(ServiceProvider services, ITestOutputHelper output) : IAsyncDisposable
{
    /// <summary>Requests the outage tests send at once while the circuit is open.</summary>
    public const int ConcurrentRequests = 32;

    /// <summary>A hang detector, not a timing requirement: PostgreSQL's retries of one read take about 20 s.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private readonly List<IHostedService> _started = [];

    public DatabaseCircuit Circuit => services.GetRequiredService<DatabaseCircuit>();

    /// <summary>Starts the hosted services as <c>compozy start</c> does (the initializer migrates, the probe waits).</summary>
    public async Task StartAsync()
    {
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            _started.Add(hosted);
        }

        await Poll.UntilAsync(() => services.GetRequiredService<DatabaseInitializer>().IsInitialized, "database initialization", Bound);
    }

    /// <summary>
    /// One request: a user created. A write, because it reaches the file on every database (a
    /// SQLite database on a network filesystem holds an exclusive lock and may answer reads from
    /// its cache).
    /// </summary>
    public Task RequestAsync() => services.GetRequiredService<IAuthStore>().CreateUserAsync($"{Guid.NewGuid():N}@example.com", UserRole.User);

    /// <summary>
    /// Sends requests one after another from the moment the database went away until one is refused by
    /// the circuit; returns the failures before it, and how long after <paramref name="downAt"/> the refusal came.
    /// </summary>
    public async Task<(IReadOnlyList<CompozyDataException> Failures, TimeSpan ToRefusal)> RequestUntilRefusedAsync(long downAt)
    {
        var failures = new List<CompozyDataException>();
        while (true)
        {
            Stopwatch.GetElapsedTime(downAt).ShouldBeLessThan(Bound, "the circuit never opened");
            try
            {
                await RequestAsync();
            }
            catch (DatabaseUnavailableException)
            {
                var toRefusal = Stopwatch.GetElapsedTime(downAt);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time to the first refusal (503) after the outage: {toRefusal.TotalMilliseconds:F0} ms, after {failures.Count} failed requests"));
                return (failures, toRefusal);
            }
            catch (CompozyDataException failure)
            {
                output.WriteLine($"request failed: {failure.Kind}: {failure.Message}");
                failures.Add(failure);
            }
        }
    }

    /// <summary>Sends <see cref="ConcurrentRequests"/> requests at once; returns what each threw, and how long they all took.</summary>
    public async Task<(IReadOnlyList<Exception?> Errors, TimeSpan Elapsed)> RequestConcurrentlyAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var errors = await Task.WhenAll(Enumerable.Range(0, ConcurrentRequests).Select(async _ =>
        {
            try
            {
                await Task.Run(RequestAsync);
                return null;
            }
            catch (Exception exception)
            {
                return exception;
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ConcurrentRequests} concurrent requests answered in {elapsed.TotalMilliseconds:F1} ms"));
        return (errors, elapsed);
    }

    public async Task<HealthCheckResult> ReadinessAsync()
    {
        var result = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == DatabaseReadinessHealthCheck.Name);
        var entry = result.Entries[DatabaseReadinessHealthCheck.Name];
        output.WriteLine($"readiness: {entry.Status}: {entry.Description}");
        return new HealthCheckResult(entry.Status, entry.Description);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in Enumerable.Reverse(_started))
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }
}
