using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Audit;

/// <summary>
/// Replays the audit fallback file in <c>compozy start</c>: once the host has started, then every
/// <c>database.audit.replay_interval</c> while the file holds entries. A replay the database
/// refuses is logged and tried again at the next interval; nothing is removed from the file until
/// it is in the table.
/// </summary>
internal sealed partial class AuditReplayService(
    IAuditLog audit,
    IOptions<CompozyDataOptions> options,
    TimeProvider clock,
    ILogger<AuditReplayService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Database.Audit.ReplayInterval, clock);
        try
        {
            do
            {
                await ReplayOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: what was not replayed stays in the file for the next start.
        }
    }

    private async Task ReplayOnceAsync(CancellationToken stoppingToken)
    {
        if (audit.PendingFallbackEntries() == 0)
        {
            return;
        }

        try
        {
            await audit.ReplayAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is CompozyDataException or IOException or InvalidOperationException or System.Data.Common.DbException
            && !stoppingToken.IsCancellationRequested)
        {
            LogReplayFailed(audit.PendingFallbackEntries(), exception.Message);
        }
    }

    [LoggerMessage(EventId = 7406, Level = LogLevel.Warning, Message = "audit fallback replay failed, {Pending} entries wait for the next interval: {Error}")]
    private partial void LogReplayFailed(long pending, string error);
}
