namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// Waits for a lock on a file that another process holds: the writer's turn, the database holder
/// byte, the migration lock. Neither <c>fcntl(F_SETLK)</c> nor <c>flock(LOCK_NB)</c>, which is all
/// .NET exposes, can block, so the attempt is repeated with a growing pause until it succeeds or
/// its timeout passes on the given clock. Written here because nothing in
/// the platform waits for a file lock.
/// </summary>
internal static class FileLockWait
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Returns what <paramref name="attempt"/> returns once it stops throwing <see cref="IOException"/>
    /// (the lock is held elsewhere); after <paramref name="timeout"/>, throws what
    /// <paramref name="timedOut"/> makes of the last refusal.
    /// </summary>
    public static async Task<T> UntilTakenAsync<T>(
        Func<T> attempt, TimeSpan timeout, TimeProvider clock, Func<IOException, Exception> timedOut, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return attempt();
            }
            catch (IOException) when (clock.GetElapsedTime(started) < timeout)
            {
                await Task.Delay(pause, clock, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
            catch (IOException refused)
            {
                throw timedOut(refused);
            }
        }
    }
}
