using System.Collections.Concurrent;
using Compozy.Data.Entities;
using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Stores.Auth;

/// <summary>
/// Keeps <c>api_keys.last_used</c> current without a write per request: a use is remembered in
/// memory and written with the others every <see cref="FlushInterval"/> and at shutdown, in one
/// transaction. A key whose stored <c>last_used</c> is younger than <see cref="Resolution"/> is
/// not recorded again. A crash loses at most the uses of the last interval.
/// </summary>
public sealed partial class ApiKeyUseRecorder(IDatabaseWriter writer, TimeProvider clock, ILogger<ApiKeyUseRecorder> logger) : BackgroundService
{
    /// <summary>How often recorded uses are written.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(30);

    /// <summary>How stale a stored <c>last_used</c> may be before a use updates it.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTime> _pending = new(StringComparer.Ordinal);

    /// <summary>Uses recorded and not yet written.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Remembers a use of <paramref name="key"/> now; never blocks or writes.</summary>
    public void Record(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = clock.GetUtcNow().UtcDateTime;
        if (key.LastUsed is { } last && now - last < Resolution)
        {
            return;
        }

        _pending[key.Id] = now;
    }

    /// <summary>Writes the uses recorded so far, in one transaction.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var uses = _pending.ToArray();
        if (uses.Length == 0)
        {
            return;
        }

        foreach (var (id, at) in uses)
        {
            // A newer use recorded meanwhile stays for the next flush.
            _pending.TryRemove(KeyValuePair.Create(id, at));
        }

        await writer.WriteAsync(
            async (context, token) =>
            {
                foreach (var (id, at) in uses)
                {
                    await context.ApiKeys.Where(key => key.Id == id && (key.LastUsed == null || key.LastUsed < at))
                        .ExecuteUpdateAsync(set => set.SetProperty(key => key.LastUsed, at), token)
                        .ConfigureAwait(false);
                }

                return uses.Length;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the timer and writes the uses recorded since the last flush.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushLoggedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushLoggedAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    private async Task FlushLoggedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A last-used time is informational: losing one must not stop the host.
            LogFlushFailed(exception.GetType().Name, exception.Message);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "could not record API key uses ({ExceptionType}: {Detail}); they are retried at the next flush only if the keys are used again")]
    private partial void LogFlushFailed(string exceptionType, string detail);
}
