using Compozy.Cli.Configuration;
using Compozy.Data.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Compozy.Cli.Hosting;

/// <summary>
/// Reads a running host's configuration again from the same sources (the file, and the flags and
/// environment it started with, which still win over the file), validates it as a whole as at
/// start, and applies it only when every changed setting is live
/// (<see cref="ConfigurationReload.Live"/>). An invalid configuration, or one that changes a
/// setting that needs a restart, is refused as a whole and the host keeps every running value.
/// Values of secret settings are never logged.
/// </summary>
internal sealed partial class ConfigurationReloader
{
    private static readonly string[] RestartSections = ["knowledge"];

    private readonly ConfigurationInputs _inputs;
    private readonly bool _noMigrate;
    private readonly IServiceProvider _services;
    private readonly ILogger<ConfigurationReloader> _logger;
    private ConfigurationReader _running;

    public ConfigurationReloader(LoadedConfiguration started, IServiceProvider services, ILogger<ConfigurationReloader> logger)
    {
        ArgumentNullException.ThrowIfNull(started);
        _inputs = started.Inputs ?? throw new ArgumentException("the configuration was not loaded from inputs that can be read again", nameof(started));
        _running = started.Reader ?? throw new ArgumentException("the configuration has no reader to compare with", nameof(started));
        _noMigrate = !started.Options.Database.AutoMigrate;
        _services = services;
        _logger = logger;
    }

    /// <summary>The configuration file read again, or <see langword="null"/> when the host started without one.</summary>
    public string? ConfigFile => _inputs.ConfigFile;

    /// <summary>Reads, validates and compares the configuration, then applies it or refuses it, logging which and why.</summary>
    public ConfigurationReloadOutcome Reload()
    {
        var (reader, loaded) = ConfigurationLoader.Read(_inputs);
        if (loaded is null)
        {
            foreach (var problem in reader.Problems)
            {
                LogInvalid(_inputs.ConfigFile ?? "the configuration", problem.ToString());
            }

            return ConfigurationReloadOutcome.RefusedInvalid;
        }

        var changes = ConfigurationChanges.Compare(_running, reader, ConfigurationLoader.Keys(_inputs), RestartSections);
        if (changes.Count == 0)
        {
            LogUnchanged(_inputs.ConfigFile ?? "the configuration");
            return ConfigurationReloadOutcome.Unchanged;
        }

        var needRestart = changes.Where(change => change.Reload == ConfigurationReload.Restart).Select(change => change.Key).ToList();
        if (needRestart.Count > 0)
        {
            LogNeedsRestart(_inputs.ConfigFile ?? "the configuration", string.Join(", ", needRestart));
            return ConfigurationReloadOutcome.RefusedNeedsRestart;
        }

        if (_noMigrate)
        {
            loaded.Options.Database.AutoMigrate = false;
        }

        _services.GetRequiredService<LiveOptions<CompozyDataOptions>>().Publish(loaded.Options);
        loaded.Provider.PublishLiveSettings(_services);
        if (loaded.Server is { } server && _services.GetService<LiveOptions<ServerOptions>>() is { } liveServer)
        {
            liveServer.Publish(server);
        }
        _running = reader;
        foreach (var change in changes)
        {
            LogApplied(change.Key, change.Description);
        }

        return ConfigurationReloadOutcome.Applied;
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "configuration reloaded: {Key} changed {Change}")]
    private partial void LogApplied(string key, string change);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "configuration reload refused: {File} is invalid, {Problem}; the host keeps running on its current configuration")]
    private partial void LogInvalid(string file, string problem);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "configuration reload refused: {File} changes {Keys}, which need a restart; the host keeps running on its current configuration, restart it to apply the file")]
    private partial void LogNeedsRestart(string file, string keys);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "configuration reload: {File} changed but no setting did")]
    private partial void LogUnchanged(string file);
}
