using System.Net;
using Compozy.Cli.Commands;
using Compozy.Data.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Compozy.Cli.Tests;

/// <summary>
/// The host <c>compozy start</c> runs, with its compozy.yaml edited under it: a shorter checkpoint
/// interval takes effect without a restart, and a changed driver is refused and logged while the
/// host keeps serving on what it started with.
/// </summary>
public sealed class ConfigurationReloadHostTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private const string Configuration = """
        database:
          driver: sqlite
          path: "{db}"
          sqlite:
            wal_checkpoint_interval: 1h
        """;

    [Fact]
    public async Task An_edited_checkpoint_interval_takes_effect_while_an_edited_driver_is_refused()
    {
        using var config = new ReloadableConfiguration(Configuration);
        var loaded = config.Load();
        var logs = new CapturedLogs();
        var app = StartCommand.BuildHost(loaded, loaded.Server!);
        await using (app)
        {
            app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            await logs.WaitForAsync($"watching {config.FilePath} for configuration changes", Bound);

            // An hour's interval: a periodic checkpoint within the test can only come from the new one.
            config.Write(Configuration.Replace("wal_checkpoint_interval: 1h", "wal_checkpoint_interval: 1s", StringComparison.Ordinal));
            await logs.WaitForAsync("configuration reloaded: database.sqlite.wal_checkpoint_interval changed from 1h to 1s", Bound);
            await logs.WaitForAsync("periodic-checkpoint completed", Bound);

            config.Write(Configuration.Replace("wal_checkpoint_interval: 1h", "wal_checkpoint_interval: 1s", StringComparison.Ordinal)
                .Replace("driver: sqlite", "driver: postgres\n  host: db.invalid\n  user: compozy", StringComparison.Ordinal));
            var refused = await logs.WaitForAsync("configuration reload refused", Bound);
            refused.ShouldContain("database.driver");
            refused.ShouldContain("need a restart");

            // The running values stay: checkpoints go on every second, on SQLite, and the host serves.
            var checkpoints = logs.Containing("periodic-checkpoint completed").Count;
            await logs.WaitForCountAsync("periodic-checkpoint completed", checkpoints + 1, Bound);
            using var health = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            health.StatusCode.ShouldBe(HttpStatusCode.OK, await health.Content.ReadAsStringAsync());
            logs.Containing("configuration reloaded").Count.ShouldBe(1, string.Join('\n', logs.Lines));

            // The log level is live too: debug lines are written from the reload on.
            var probe = app.Services.GetRequiredService<ILogger<ConfigurationReloadHostTests>>();
            probe.IsEnabled(LogLevel.Debug).ShouldBeFalse();
            config.Write(Configuration.Replace("wal_checkpoint_interval: 1h", "wal_checkpoint_interval: 1s", StringComparison.Ordinal) + "\nserver:\n  log_level: debug\n");
            await logs.WaitForAsync("configuration reloaded: server.log_level changed from info to debug", Bound);
            probe.IsEnabled(LogLevel.Debug).ShouldBeTrue();

            await app.StopAsync();
        }
    }
}
