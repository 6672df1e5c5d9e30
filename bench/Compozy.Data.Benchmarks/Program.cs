using System.CommandLine;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// <c>sqlite-durability</c>, <c>startup-checks</c>, <c>stores</c>, <c>knowledge-search</c>, <c>cli-startup</c>, <c>file-guard</c>, <c>writer-cost</c> and <c>all</c>. Every benchmark measures its own
/// baselines in the same run and reports ratios against them; nothing passes or fails.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var paths = RepositoryPaths.Find();

        var seconds = new Option<int>("--seconds")
        {
            Description = "Measured seconds per commit-rate scenario, taken as one-second windows in turn with the other scenarios (after a 2 s warm-up each).",
            DefaultValueFactory = _ => 10,
        };
        var size = new Option<string>("--size")
        {
            Description = "Size of the database the integrity checks run on (for example 100MB, 1GB).",
            DefaultValueFactory = _ => "1GB",
        };
        size.Validators.Add(result =>
        {
            if (!ByteSize.TryParse(result.GetValueOrDefault<string>(), out var bytes) || bytes < ByteSize.Megabyte)
            {
                result.AddError("--size must be a size of at least 1MB, like 100MB or 1GB.");
            }
        });
        var durabilityOut = new Option<string>("--out")
        {
            Description = "JSON result file; a Markdown copy is written beside it with the .md extension.",
            DefaultValueFactory = _ => Path.Combine(paths.Results, "sqlite-durability.json"),
        };
        var startupOut = new Option<string>("--out")
        {
            Description = "JSON result file; a Markdown copy is written beside it with the .md extension.",
            DefaultValueFactory = _ => Path.Combine(paths.Results, "startup-checks.json"),
        };

        var storesSeconds = new Option<int>("--seconds")
        {
            Description = "Measured one-second windows per scenario, taken in turn with the other scenarios of its group (after a 1 s warm-up each). 8 keeps a run near 4 minutes.",
            DefaultValueFactory = _ => 8,
        };
        var quick = new Option<bool>("--quick")
        {
            Description = "2 windows per scenario and 0.5 s warm-ups (about a minute): to check the benchmark runs, not to quote.",
        };
        var storesOut = new Option<string>("--out")
        {
            Description = "JSON result file; a Markdown copy is written beside it with the .md extension.",
            DefaultValueFactory = _ => Path.Combine(paths.Results, "stores.json"),
        };

        var durability = new Command("sqlite-durability", "Commit rates of fsync, raw SQLite and the layer's writer under synchronous FULL, NORMAL and OFF.")
        {
            seconds, durabilityOut,
        };
        durability.SetAction((parseResult, cancellationToken) =>
            SqliteDurabilityBenchmark.RunAsync(parseResult.GetValue(seconds), paths, parseResult.GetValue(durabilityOut)!, cancellationToken));

        var startup = new Command("startup-checks", "Time of the startup quick_check and integrity_check on a large database, against reading the file.")
        {
            size, startupOut,
        };
        startup.SetAction((parseResult, cancellationToken) =>
            StartupChecksBenchmark.RunAsync(ByteSize.Parse(parseResult.GetValue(size)!), paths, parseResult.GetValue(startupOut)!, cancellationToken));

        var knowledgeQuick = new Option<bool>("--quick")
        {
            Description = "A short run: 10k rows only, fewer queries, 5k rows in pgvector (about a minute).",
        };
        var noPgVector = new Option<bool>("--no-pgvector")
        {
            Description = "Skip the pgvector part (otherwise it needs COMPOZY_TEST_POSTGRES, an administrator connection string; a database of its own is created and dropped).",
        };
        var knowledgeOut = new Option<string>("--out")
        {
            Description = "JSON result file; a Markdown copy is written beside it with the .md extension.",
            DefaultValueFactory = _ => Path.Combine(paths.Results, "knowledge-search.json"),
        };
        var knowledge = new Command("knowledge-search", "Embedded exact search against a scalar loop and the memory bandwidth, its load from SQLite, and pgvector HNSW recall and latency against its exact scan.")
        {
            knowledgeQuick, noPgVector, knowledgeOut,
        };
        knowledge.SetAction((parseResult, cancellationToken) =>
            KnowledgeSearchBenchmark.RunAsync(parseResult.GetValue(knowledgeQuick), parseResult.GetValue(noPgVector), paths, parseResult.GetValue(knowledgeOut)!, cancellationToken));

        var stores = new Command("stores", "The stores against raw ADO.NET on SQLite and PostgreSQL (COMPOZY_TEST_POSTGRES), and durable writes at 1 to 128 concurrent writers with and without group commit.")
        {
            storesSeconds, quick, storesOut,
        };
        stores.SetAction((parseResult, cancellationToken) =>
            StoresBenchmark.RunAsync(parseResult.GetValue(storesSeconds), parseResult.GetValue(quick), paths, parseResult.GetValue(storesOut)!, cancellationToken));

        var cliPath = new Option<string?>("--cli")
        {
            Description = "A published compozy executable to measure (default: publish src/Compozy.Cli in Release to a temporary directory first).",
            HelpName = "PATH",
        };
        var cliRuns = new Option<int>("--runs")
        {
            Description = "Measured rounds; each runs --help, migrate status and start once, in turn (after one untimed warm-up round).",
            DefaultValueFactory = _ => 10,
        };
        cliRuns.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--runs must be at least 1.");
            }
        });
        var cliOut = new Option<string>("--out")
        {
            Description = "JSON result file; a Markdown copy is written beside it with the .md extension.",
            DefaultValueFactory = _ => Path.Combine(paths.Results, "cli-startup.json"),
        };
        var cliStartup = new Command("cli-startup", "Wall and CPU time of `compozy migrate status` on an up-to-date SQLite file and of `compozy start` until /readyz answers, against `compozy --help`, each a fresh process.")
        {
            cliPath, cliRuns, cliOut,
        };
        cliStartup.SetAction((parseResult, cancellationToken) =>
            CliStartupBenchmark.RunAsync(parseResult.GetValue(cliPath), parseResult.GetValue(cliRuns), paths, parseResult.GetValue(cliOut)!, cancellationToken));

        var fileGuard = new Command("file-guard", "What the check that the database path still names the writer's file costs per commit, against a durable commit.");
        fileGuard.SetAction((_, cancellationToken) => FileGuardBenchmark.RunAsync(cancellationToken));

        var costWriters = new Option<int>("--writers")
        {
            Description = "Concurrent callers upserting through the stores.",
            DefaultValueFactory = _ => 64,
        };
        var costSeconds = new Option<int>("--seconds")
        {
            Description = "Seconds of each side of a round.",
            DefaultValueFactory = _ => 2,
        };
        var costRounds = new Option<int>("--rounds")
        {
            Description = "Measured rounds, after one warm-up round.",
            DefaultValueFactory = _ => 3,
        };
        foreach (var option in new[] { costWriters, costSeconds, costRounds })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError($"{option.Name} must be at least 1.");
                }
            });
        }

        var writerCost = new Command("writer-cost", "Process CPU, allocation and GC pause per durable SQLite write under group commit at N writers, beside hand-written batches of 32 in the same round: for comparing two builds run alternately.")
        {
            costWriters, costSeconds, costRounds,
        };
        writerCost.SetAction((parseResult, cancellationToken) =>
            WriterCostBenchmark.RunAsync(parseResult.GetValue(costWriters), parseResult.GetValue(costSeconds), parseResult.GetValue(costRounds), cancellationToken));

        var all = new Command("all", "sqlite-durability, startup-checks, then stores, with the default result files.") { seconds, size };
        all.SetAction(async (parseResult, cancellationToken) =>
        {
            var first = await SqliteDurabilityBenchmark.RunAsync(
                parseResult.GetValue(seconds), paths, Path.Combine(paths.Results, "sqlite-durability.json"), cancellationToken).ConfigureAwait(false);
            var second = await StartupChecksBenchmark.RunAsync(
                ByteSize.Parse(parseResult.GetValue(size)!), paths, Path.Combine(paths.Results, "startup-checks.json"), cancellationToken).ConfigureAwait(false);
            var third = await StoresBenchmark.RunAsync(
                8, quick: false, paths, Path.Combine(paths.Results, "stores.json"), cancellationToken).ConfigureAwait(false);
            return Math.Max(Math.Max(first, second), third);
        });

        var root = new RootCommand("Compozy.Data benchmarks: SQLite durability costs, the stores' cost and concurrency, knowledge search and the CLI's start-up, measured against same-run baselines.")
        {
            durability, startup, stores, knowledge, cliStartup, fileGuard, writerCost, all,
        };
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
