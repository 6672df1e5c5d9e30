using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Compozy.Data.CrashHarness;

/// <summary>
/// The parent: starts the child on one database again and again, SIGKILLs it at a random moment
/// (during startup recovery, while writing, inside a checkpoint, inside maintenance), and after
/// each kill verifies that every transaction acknowledged so far, by any child, is present and
/// whole, that nothing partial is visible, and that <c>integrity_check</c> passes. The next child
/// starts on what the kill left, so startup recovery is exercised as often as the kills are.
/// </summary>
public static class KillLoop
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A kill outside startup follows between one and this many fresh acknowledgements.</summary>
    private const int AcknowledgementsBeforeKillAtMost = 12;

    /// <summary>Runs <paramref name="kills"/> kill-and-verify rounds.</summary>
    public static async Task<KillReport> RunAsync(
        string harnessExecutable, string databasePath, int kills, int seed, string synchronous, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var random = new Random(seed);
        var acknowledged = new Dictionary<string, int>(StringComparer.Ordinal);
        var report = new KillReport();
        var elapsed = Stopwatch.StartNew();
        for (var round = 0; round < kills; round++)
        {
            var mode = (HarnessMode)(round % 3);
            var duringStartup = round % 10 == 9;
            var outcome = await KillOnceAsync(harnessExecutable, databasePath, $"r{round}", mode, synchronous, duringStartup, random).ConfigureAwait(false);
            foreach (var (id, tasks) in outcome.Acknowledged)
            {
                acknowledged[id] = tasks;
            }

            report.Kills++;
            report.Acknowledged += outcome.Acknowledged.Count;
            if (outcome.Acknowledged.Count == 0 && !duringStartup)
            {
                report.RoundsWithNothingAtRisk++;
            }

            report.KillsByPhase[outcome.Phase] = report.KillsByPhase.GetValueOrDefault(outcome.Phase) + 1;
            if (outcome.Failure is not null)
            {
                report.Failures.Add($"round {round} ({mode}, {outcome.Phase}): {outcome.Failure}");
                continue;
            }

            var failures = DurabilityVerifier.Verify(databasePath, acknowledged);
            report.Failures.AddRange(failures.Select(failure => $"round {round} ({mode}, killed during {outcome.Phase}): {failure}"));
            report.VerifiedAfterKills += acknowledged.Count;
            if ((round + 1) % 25 == 0)
            {
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{round + 1} kills, {report.Acknowledged} acknowledged, {report.Failures.Count} failures, {elapsed.Elapsed.TotalSeconds:F0} s")).ConfigureAwait(false);
            }
        }

        report.Elapsed = elapsed.Elapsed;
        return report;
    }

    private static async Task<(Dictionary<string, int> Acknowledged, string Phase, string? Failure)> KillOnceAsync(
        string harnessExecutable, string databasePath, string run, HarnessMode mode, string synchronous, bool duringStartup, Random random)
    {
        var info = new ProcessStartInfo(harnessExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "write", "--db", databasePath, "--run", run, "--mode", mode.ToString().ToLowerInvariant(), "--synchronous", synchronous })
        {
            info.ArgumentList.Add(argument);
        }

        using var child = Process.Start(info) ?? throw new InvalidOperationException($"could not start {harnessExecutable}");
        var lines = Channel.CreateUnbounded<string>();
        var acknowledged = new Dictionary<string, int>(StringComparer.Ordinal);
        var stderr = child.StandardError.ReadToEndAsync();
        var pump = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    lock (acknowledged)
                    {
                        acknowledged[parts[1]] = int.Parse(parts[2], CultureInfo.InvariantCulture);
                    }
                }

                await lines.Writer.WriteAsync(line).ConfigureAwait(false);
            }

            lines.Writer.Complete();
        });

        string phase;
        string? failure = null;
        try
        {
            if (duringStartup)
            {
                // Either marker falls inside start-up: before the host is built, or as it runs its
                // checks and migrations. The kill follows the line as fast as the parent can send it.
                phase = "startup";
                await WaitForLineAsync(lines.Reader, random.Next(2) == 0 ? "building" : "starting").ConfigureAwait(false);
            }
            else
            {
                await WaitForLineAsync(lines.Reader, "ready").ConfigureAwait(false);

                // Let acknowledged commits pile up before choosing the moment, so each kill risks
                // some: counted acknowledgements, not a delay, whatever the machine's speed.
                await WaitForAcknowledgementsAsync(lines.Reader, random.Next(1, AcknowledgementsBeforeKillAtMost + 1)).ConfigureAwait(false);

                // Markers printed during the wait are history; the kill must follow a fresh one.
                while (lines.Reader.TryRead(out _))
                {
                }

                switch (mode)
                {
                    case HarnessMode.Checkpoint:
                        phase = "checkpoint";
                        await WaitForLineAsync(lines.Reader, "checkpoint begin").ConfigureAwait(false);
                        break;
                    case HarnessMode.Maintenance:
                        phase = "maintenance";
                        await WaitForLineAsync(lines.Reader, "maintenance begin").ConfigureAwait(false);
                        break;
                    default:
                        // Some kills land right after an acknowledgement, others a few commits later.
                        phase = "writing";
                        await WaitForAcknowledgementsAsync(lines.Reader, random.Next(1, AcknowledgementsBeforeKillAtMost + 1)).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is TimeoutException or ChannelClosedException)
        {
            phase = "unexpected exit";
            failure = $"the child stopped before it could be killed: {exception.Message}";
        }

        if (!child.HasExited)
        {
            child.Kill();
        }

        await child.WaitForExitAsync().ConfigureAwait(false);
        await pump.ConfigureAwait(false);
        if (failure is not null)
        {
            failure += $"; stderr: {await stderr.ConfigureAwait(false)}";
        }

        lock (acknowledged)
        {
            return (new Dictionary<string, int>(acknowledged, StringComparer.Ordinal), phase, failure);
        }
    }

    private static Task WaitForLineAsync(ChannelReader<string> lines, string expected) =>
        WaitForLinesAsync(lines, line => line == expected, 1, $"no \"{expected}\"");

    private static Task WaitForAcknowledgementsAsync(ChannelReader<string> lines, int count) =>
        WaitForLinesAsync(lines, line => line.StartsWith("ack ", StringComparison.Ordinal), count, $"fewer than {count} acknowledgements");

    private static async Task WaitForLinesAsync(ChannelReader<string> lines, Func<string, bool> matches, int count, string missing)
    {
        // A safety net for a hung child, not a pacing device: the wait ends on the lines.
        using var timeout = new CancellationTokenSource(LineTimeout);
        try
        {
            var seen = 0;
            while (seen < count)
            {
                if (matches(await lines.ReadAsync(timeout.Token).ConfigureAwait(false)))
                {
                    seen++;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{missing} from the child within {LineTimeout.TotalSeconds:F0} s");
        }
    }
}
