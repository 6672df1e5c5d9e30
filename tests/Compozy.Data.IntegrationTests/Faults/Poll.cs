using System.Diagnostics;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>Waiting for a state another task or process reaches, with a bound that only catches hangs.</summary>
internal static class Poll
{
    /// <summary>Returns once <paramref name="condition"/> holds; throws if it still does not after <paramref name="bound"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan bound)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > bound)
            {
                throw new TimeoutException($"{what} did not happen within {bound}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
