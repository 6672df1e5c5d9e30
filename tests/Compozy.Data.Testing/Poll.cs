using System.Diagnostics;

namespace Compozy.Data.Testing;

/// <summary>
/// The one way tests wait for a state that another task or process reaches and that raises no
/// event of its own (a file appearing, a log line, a server-side lock wait): the condition is
/// checked every few milliseconds, and the bound only catches a hang, it never decides a result.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Returns once <paramref name="condition"/> holds; throws if it still does not after <paramref name="bound"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan bound) =>
        UntilAsync(() => Task.FromResult(condition()), what, bound);

    /// <summary>Returns once <paramref name="condition"/> holds; throws if it still does not after <paramref name="bound"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan bound)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > bound)
            {
                throw new TimeoutException($"{what} did not happen within {bound}");
            }

            await Task.Delay(Interval);
        }
    }
}
