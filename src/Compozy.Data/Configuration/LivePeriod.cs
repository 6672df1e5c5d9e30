using Microsoft.Extensions.Options;

namespace Compozy.Data.Configuration;

/// <summary>Keeps a schedule's <see cref="PeriodicTimer"/> on the interval a reloaded configuration gives it.</summary>
public static class LivePeriod
{
    /// <summary>
    /// Sets <paramref name="timer"/>'s period whenever <paramref name="live"/> publishes options
    /// whose <paramref name="period"/> differs; a new period counts from the reload, not after the
    /// old one runs out (an hour's interval shortened to a minute must not wait out the hour).
    /// <see langword="null"/> from <paramref name="period"/> leaves the timer as it is. Dispose the
    /// result to stop following.
    /// </summary>
    public static IDisposable? Follow<T>(PeriodicTimer timer, IOptionsMonitor<T> live, Func<T, TimeSpan?> period)
    {
        ArgumentNullException.ThrowIfNull(timer);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(period);
        return live.OnChange(next =>
        {
            if (period(next) is { } every && every != timer.Period)
            {
                timer.Period = every;
            }
        });
    }
}
