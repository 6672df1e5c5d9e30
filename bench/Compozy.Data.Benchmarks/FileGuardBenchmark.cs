using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Migrations;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// What the writer pays to check, before and after each commit, that the database path still
/// names the file it opened: <see cref="SqliteDatabaseFileGuard.Verify"/> (one <c>statx</c> of the
/// database path) against a durable single-write commit of the layer, measured on the same file in
/// the same run; and what a read pays for the same check while nothing changed on the file
/// (<see cref="SqliteDatabaseFileGuard.VerifyBeforeRead"/>: one <c>statx</c> of a path-only
/// descriptor), against the path check.
/// </summary>
internal static class FileGuardBenchmark
{
    private const int Rounds = 5;
    private const int ChecksPerRound = 200_000;
    private const int CommitsPerRound = 400;

    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-bench-guard-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            await using var services = LayerServices.Build(Path.Combine(directory, "compozy.db"));
            await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var writer = services.GetRequiredService<IDatabaseWriter>();
            var guard = services.GetRequiredService<SqliteDatabaseFileGuard>();
            await writer.WriteAsync((_, _) => Task.FromResult(0), cancellationToken).ConfigureAwait(false);

            var checks = new List<double>();
            var readChecks = new List<double>();
            var commits = new List<double>();
            for (var round = 0; round < Rounds; round++)
            {
                var elapsed = Stopwatch.StartNew();
                for (var index = 0; index < ChecksPerRound; index++)
                {
                    if (!guard.Verify())
                    {
                        throw new InvalidOperationException("the database file changed during the benchmark");
                    }
                }

                checks.Add(elapsed.Elapsed.TotalNanoseconds / ChecksPerRound);

                elapsed.Restart();
                for (var index = 0; index < ChecksPerRound; index++)
                {
                    if (!guard.VerifyBeforeRead())
                    {
                        throw new InvalidOperationException("the database file changed during the benchmark");
                    }
                }

                readChecks.Add(elapsed.Elapsed.TotalNanoseconds / ChecksPerRound);

                elapsed.Restart();
                for (var index = 0; index < CommitsPerRound; index++)
                {
                    await writer.WriteAsync((_, _) => Task.FromResult(0), cancellationToken).ConfigureAwait(false);
                }

                commits.Add(elapsed.Elapsed.TotalNanoseconds / CommitsPerRound);
            }

            var check = checks.Order().ElementAt(Rounds / 2);
            var readCheck = readChecks.Order().ElementAt(Rounds / 2);
            var commit = commits.Order().ElementAt(Rounds / 2);
            Console.WriteLine("# SQLite database file check per commit");
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Directory: {directory}; load average {BenchEnvironment.LoadAverage()}; median of {Rounds} rounds."));
            Console.WriteLine();
            Console.WriteLine("| Measure | Median | Rounds (min .. max) |");
            Console.WriteLine("| ------- | ------ | ------------------- |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one check (statx of the database path) | {check / 1000:F2} us | {checks.Min() / 1000:F2} .. {checks.Max() / 1000:F2} us |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one durable single-write commit (synchronous FULL, checks included) | {commit / 1000:F1} us | {commits.Min() / 1000:F1} .. {commits.Max() / 1000:F1} us |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| the two checks of a batch, share of that commit | {2 * check / commit:P2} | |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one check before a read, nothing changed on the file (statx of a path-only descriptor) | {readCheck / 1000:F2} us | {readChecks.Min() / 1000:F2} .. {readChecks.Max() / 1000:F2} us |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| the read check over the path check | {readCheck / check:F2}x | |"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
