using Compozy.Cli.Configuration;
using Compozy.Cli.Hosting;
using Compozy.Data.Configuration;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Cli.Tests;

/// <summary>
/// What a running host does with an edited configuration (<see cref="ConfigurationReloader"/>):
/// applies live keys, refuses an invalid file or a change that needs a restart, keeps the
/// environment's values over the file's, and never logs a secret. Nothing is opened: the services
/// are composed and the options read back.
/// </summary>
public sealed class ConfigurationReloadTests
{
    private const string Sqlite = """
        database:
          driver: sqlite
          path: "{db}"
          slow_operation_threshold: 1s
          sqlite:
            wal_checkpoint_interval: 60s
        """;

    [Fact]
    public void A_live_change_is_applied_and_logged_from_the_old_value_to_the_new()
    {
        using var config = new ReloadableConfiguration(Sqlite);
        var (reloader, services, logs) = Start(config);

        config.Write(Sqlite.Replace("wal_checkpoint_interval: 60s", "wal_checkpoint_interval: 1s", StringComparison.Ordinal)
            .Replace("slow_operation_threshold: 1s", "slow_operation_threshold: 250ms", StringComparison.Ordinal));

        reloader.Reload().ShouldBe(ConfigurationReloadOutcome.Applied);
        services.GetRequiredService<IOptionsMonitor<SqliteOptions>>().CurrentValue.WalCheckpointInterval.ShouldBe(TimeSpan.FromSeconds(1));
        services.GetRequiredService<IOptionsMonitor<CompozyDataOptions>>().CurrentValue.Database.SlowOperationThreshold.ShouldBe(TimeSpan.FromMilliseconds(250));
        logs.Containing("configuration reloaded: database.sqlite.wal_checkpoint_interval changed from 60s to 1s").Count.ShouldBe(1, string.Join('\n', logs.Lines));
        logs.Containing("configuration reloaded: database.slow_operation_threshold changed from 1s to 250ms").Count.ShouldBe(1);

        // What needs a restart keeps the value the host started with.
        services.GetRequiredService<IOptions<SqliteOptions>>().Value.WalCheckpointInterval.ShouldBe(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void The_same_value_written_another_way_is_not_a_change()
    {
        using var config = new ReloadableConfiguration(Sqlite);
        var (reloader, _, logs) = Start(config);

        config.Write(Sqlite.Replace("wal_checkpoint_interval: 60s", "wal_checkpoint_interval: 1m", StringComparison.Ordinal));

        reloader.Reload().ShouldBe(ConfigurationReloadOutcome.Unchanged);
        logs.Containing("configuration reloaded").ShouldBeEmpty();
    }

    [Fact]
    public void A_change_that_needs_a_restart_refuses_the_whole_file_and_names_the_key()
    {
        using var config = new ReloadableConfiguration(Sqlite);
        var (reloader, services, logs) = Start(config);

        config.Write(Sqlite.Replace("wal_checkpoint_interval: 60s", "wal_checkpoint_interval: 1s", StringComparison.Ordinal)
            .Replace("{db}", "{db}.other", StringComparison.Ordinal));

        reloader.Reload().ShouldBe(ConfigurationReloadOutcome.RefusedNeedsRestart);
        services.GetRequiredService<IOptionsMonitor<SqliteOptions>>().CurrentValue.WalCheckpointInterval.ShouldBe(TimeSpan.FromSeconds(60));
        var refused = logs.Containing("configuration reload refused").ShouldHaveSingleItem();
        refused.ShouldContain("[1012]");
        refused.ShouldContain("changes database.path, which need a restart");
        refused.ShouldNotContain("wal_checkpoint_interval");
        logs.Containing("configuration reloaded").ShouldBeEmpty();
    }

    [Fact]
    public void An_invalid_file_is_refused_with_each_problem_and_nothing_changes()
    {
        using var config = new ReloadableConfiguration(Sqlite);
        var (reloader, services, logs) = Start(config);

        config.Write(Sqlite.Replace("wal_checkpoint_interval: 60s", "wal_checkpoint_interval: often", StringComparison.Ordinal)
            .Replace("slow_operation_threshold: 1s", "slow_operation_threshold: 250ms", StringComparison.Ordinal));

        reloader.Reload().ShouldBe(ConfigurationReloadOutcome.RefusedInvalid);
        services.GetRequiredService<IOptionsMonitor<CompozyDataOptions>>().CurrentValue.Database.SlowOperationThreshold.ShouldBe(TimeSpan.FromSeconds(1));
        var refused = logs.Containing("configuration reload refused").ShouldHaveSingleItem();
        refused.ShouldContain("[1011]");
        refused.ShouldContain("database.sqlite.wal_checkpoint_interval: \"often\"");
        refused.ShouldContain(config.FilePath);

        // Once the file is fixed, the reload compares with what runs, not with the refused file.
        config.Write(Sqlite.Replace("slow_operation_threshold: 1s", "slow_operation_threshold: 250ms", StringComparison.Ordinal));
        reloader.Reload().ShouldBe(ConfigurationReloadOutcome.Applied);
        logs.Containing("database.slow_operation_threshold changed from 1s to 250ms").Count.ShouldBe(1);
    }

    [Fact]
    public void An_environment_variable_still_wins_over_the_edited_file()
    {
        using var config = new ReloadableConfiguration(Sqlite, new Dictionary<string, string?> { ["DB_SQLITE_WAL_CHECKPOINT_INTERVAL"] = "5s" });
        var (reloader, services, logs) = Start(config);

        config.Write(Sqlite.Replace("wal_checkpoint_interval: 60s", "wal_checkpoint_interval: 1s", StringComparison.Ordinal));

        reloader.Reload().ShouldBe(ConfigurationReloadOutcome.Unchanged);
        services.GetRequiredService<IOptionsMonitor<SqliteOptions>>().CurrentValue.WalCheckpointInterval.ShouldBe(TimeSpan.FromSeconds(5));
        logs.Containing("configuration reloaded").ShouldBeEmpty();
    }

    [Fact]
    public void A_changed_secret_is_named_but_its_values_are_never_logged()
    {
        const string postgres = """
            database:
              driver: postgres
              host: db.invalid
              user: compozy
              password: old-Secret-1
            """;
        using var config = new ReloadableConfiguration(postgres);
        var (reloader, _, logs) = Start(config);

        config.Write(postgres.Replace("old-Secret-1", "new-Secret-2", StringComparison.Ordinal));

        reloader.Reload().ShouldBe(ConfigurationReloadOutcome.RefusedNeedsRestart);
        logs.Containing("database.password").ShouldHaveSingleItem();
        string.Join('\n', logs.Lines).ShouldNotContain("Secret-");
    }

    [Fact]
    public void A_schedule_takes_a_new_interval_but_starting_or_stopping_one_needs_a_restart()
    {
        var scheduled = Sqlite + "\n    backup:\n      interval: 1h\n      keep: 7\n";
        using var config = new ReloadableConfiguration(scheduled);
        var (reloader, services, logs) = Start(config);

        config.Write(scheduled.Replace("interval: 1h", "interval: 2h", StringComparison.Ordinal).Replace("keep: 7", "keep: 3", StringComparison.Ordinal));
        reloader.Reload().ShouldBe(ConfigurationReloadOutcome.Applied);
        services.GetRequiredService<IOptionsMonitor<SqliteOptions>>().CurrentValue.BackupInterval.ShouldBe(TimeSpan.FromHours(2));
        services.GetRequiredService<IOptionsMonitor<SqliteOptions>>().CurrentValue.BackupKeep.ShouldBe(3);
        logs.Containing("database.sqlite.backup.interval changed from 1h to 2h").Count.ShouldBe(1);

        config.Write(scheduled.Replace("interval: 1h", "interval: 2h", StringComparison.Ordinal).Replace("keep: 7", "keep: 3", StringComparison.Ordinal)
            + "    integrity_check_interval: 1h\n");
        reloader.Reload().ShouldBe(ConfigurationReloadOutcome.RefusedNeedsRestart);
        logs.Containing("changes database.sqlite.integrity_check_interval, which need a restart").Count.ShouldBe(1, string.Join('\n', logs.Lines));
        services.GetRequiredService<IOptionsMonitor<SqliteOptions>>().CurrentValue.IntegrityCheckInterval.ShouldBeNull();
    }

    [Fact]
    public void Only_keys_whose_consumers_read_them_again_are_live()
    {
        var live = ConfigurationLoader.Keys(new ConfigurationInputs(null, [], _ => null, ReadServer: true))
            .Where(key => key.Reload != ConfigurationReload.Restart)
            .Select(key => $"{key.Path} {key.Reload}");

        live.ShouldBe(
            [
                "database.slow_operation_threshold Live", "database.sqlite.wal_checkpoint_interval Live", "database.sqlite.wal_checkpoint_truncate_threshold Live",
                "database.retention.interval LiveOnceSet", "database.retention.older_than LiveOnceSet", "database.retention.statuses Live",
                "database.sqlite.backup.interval LiveOnceSet", "database.sqlite.backup.keep Live", "database.sqlite.integrity_check_interval LiveOnceSet",
                "server.log_level Live",
            ],
            ignoreOrder: true);
    }

    private static (ConfigurationReloader Reloader, ServiceProvider Services, CapturedLogs Logs) Start(ReloadableConfiguration config)
    {
        var loaded = config.Load();
        var logs = new CapturedLogs();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs))
            .AddCompozyData(loaded.Options, loaded.Provider, loaded.Warnings)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        return (new ConfigurationReloader(loaded, services, services.GetRequiredService<ILogger<ConfigurationReloader>>()), services, logs);
    }
}
