using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Compozy.Cli.Hosting;

/// <summary>
/// Watches the configuration file <c>compozy start</c> read and reloads the configuration
/// (<see cref="ConfigurationReloader"/>) after each change. It watches the file's directory, so an
/// editor that saves by writing a new file and renaming it over the old one is seen as well as
/// one that writes in place.
/// </summary>
internal sealed partial class ConfigurationReloadService(
    ConfigurationReloader reloader, TimeProvider clock, ILogger<ConfigurationReloadService> logger) : BackgroundService
{
    /// <summary>
    /// How long the file must go without a change before it is read: a save in place truncates the
    /// file and then writes it, and a read in between would see an empty (valid) configuration.
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var file = Path.GetFullPath(reloader.ConfigFile!);

        // One pending signal is enough: a burst of notifications asks for one reload, not one each.
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(file)!)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        void OnChange(object sender, FileSystemEventArgs change)
        {
            if (string.Equals(change.FullPath, file, StringComparison.Ordinal))
            {
                changed.Writer.TryWrite(true);
            }
        }

        watcher.Changed += OnChange;
        watcher.Created += OnChange;
        watcher.Renamed += OnChange;
        watcher.Error += (_, error) =>
        {
            // Lost notifications may have included one for the file: read it to be sure.
            LogWatchError(file, error.GetException().Message);
            changed.Writer.TryWrite(true);
        };
        watcher.EnableRaisingEvents = true;
        LogWatching(file);

        try
        {
            while (await changed.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                changed.Reader.TryRead(out _);
                await SettleAsync(changed.Reader, stoppingToken).ConfigureAwait(false);
                try
                {
                    reloader.Reload();
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    LogReadFailed(file, exception.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    private async Task SettleAsync(ChannelReader<bool> changes, CancellationToken stoppingToken)
    {
        while (true)
        {
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var next = changes.WaitToReadAsync(quiet.Token).AsTask();
            var settled = Task.Delay(Settle, clock, quiet.Token);
            var first = await Task.WhenAny(next, settled).ConfigureAwait(false);
            await quiet.CancelAsync().ConfigureAwait(false);
            stoppingToken.ThrowIfCancellationRequested();
            if (first == settled)
            {
                return;
            }

            changes.TryRead(out _);
        }
    }

    [LoggerMessage(EventId = 1014, Level = LogLevel.Information, Message = "watching {File} for configuration changes; live settings are applied when it changes, see docs/configuration/database.md#reloading-the-configuration")]
    private partial void LogWatching(string file);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Warning, Message = "configuration reload: watching {File} failed ({Message}); reading it again")]
    private partial void LogWatchError(string file, string message);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Warning, Message = "configuration reload refused: {File} could not be read ({Message}); the host keeps running on its current configuration")]
    private partial void LogReadFailed(string file, string message);
}
