using System.Globalization;
using System.Text;
using Compozy.Data.Migrations;
using Compozy.Data.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// <c>stores</c>: the layer's stores against raw ADO.NET doing the same statements, on SQLite and
/// PostgreSQL; issue 13's three large reads (a task tree of 1,000, a workflow with 1,000 tasks, a
/// filtered page of 100) against the same queries written by hand, on both; SQLite durable writes
/// at 1 to 128 concurrent writers with and without group commit next to the disk's fsync rate; FULL against NORMAL under group commit; PostgreSQL at 1 to 64
/// concurrent writers through the layer and raw.
/// </summary>
/// <remarks>
/// The groups run one after another; inside a group every scenario is opened and warmed up,
/// then measured in one-second windows taken in turn, so a burst of other work on the shared
/// machine costs every scenario of the group alike (see <see cref="SqliteDurabilityBenchmark"/>).
/// Ratios only divide figures of the same group.
/// </remarks>
internal static class StoresBenchmark
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private static readonly int[] SqliteWriters = [1, 8, 64, 128];
    private static readonly int[] PostgresWriters = [1, 8, 64];
    private static readonly string[] Operations = ["upsert", "get"];

    /// <summary>The PostgreSQL upsert by hand in a transaction that returns its id (<see cref="RawPostgresStore.UpsertInTransactionAsync"/>).</summary>
    private const string PostgresRawUpsertInTransaction = "postgres raw upsert in transaction";

    /// <summary>The reads of the <c>reads</c> group and what each reads, for the report.</summary>
    private static readonly (string Name, string What)[] Reads =
    [
        ("tree", "task tree of a root with 1,000 descendants"),
        ("workflow", "workflow with its 1,000 tasks"),
        ("listing", "listing page of 100 tasks filtered by status"),
    ];

    /// <summary>Issue 13's bound on each read: the stores within 1.5x the same query written by hand.</summary>
    private const double ReadTarget = 1.5;

    public static async Task<int> RunAsync(int seconds, bool quick, RepositoryPaths paths, string outPath, CancellationToken cancellationToken)
    {
        var windows = quick ? 2 : Math.Max(1, seconds);
        var warmUp = quick ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(1);
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var resources = new Stack<IAsyncDisposable>();
        try
        {
            var environment = BenchEnvironment.Describe(directory, paths);
            var pressure = new CpuPressure();
            await Console.Error.WriteLineAsync($"stores: {environment.Summary}").ConfigureAwait(false);
            var postgres = await PostgresBenchDatabase.CreateAsync("stores", cancellationToken).ConfigureAwait(false);
            string postgresNote;
            if (postgres is null)
            {
                postgresNote = $"not measured: {PostgresBenchDatabase.EnvironmentVariable} is not set";
                await Console.Error.WriteLineAsync($"  PostgreSQL {postgresNote}; measuring SQLite only").ConfigureAwait(false);
            }
            else
            {
                resources.Push(postgres);
                postgresNote = $"PostgreSQL {postgres.ServerVersion} at {postgres.Server}, a throwaway database";
            }

            string DatabasePath(string name) => Path.Combine(directory, name + ".db");
            var measurements = new List<LoadMeasurement>();

            // 1. One caller: an upsert and a read by id, through the stores and raw. Raw SQLite gets a
            // file of its own (migrated and seeded by the layer, then closed), so two connections
            // never write or checkpoint the same WAL.
            var single = new List<LoadScenario>();
            {
                var services = LayerServices.Build(DatabasePath("single-layer"));
                resources.Push(services);
                var ids = await PrepareAsync(services, cancellationToken).ConfigureAwait(false);
                string[] rawIds;
                var seeding = LayerServices.Build(DatabasePath("single-raw"));
                await using (seeding.ConfigureAwait(false))
                {
                    rawIds = await PrepareAsync(seeding, cancellationToken).ConfigureAwait(false);
                }

                var raw = new RawSqliteStore(DatabasePath("single-raw"), "FULL");
                resources.Push(raw);
                single.Add(new LoadScenario("sqlite layer upsert", "sqlite", "layer", 1, StoreOperations.Upsert(services)));
                single.Add(new LoadScenario("sqlite raw upsert", "sqlite", "raw", 1, raw.UpsertAsync));
                single.Add(new LoadScenario("sqlite layer get", "sqlite", "layer", 1, StoreOperations.Get(services, ids)));
                single.Add(new LoadScenario("sqlite raw get", "sqlite", "raw", 1, raw.Get(rawIds)));
            }

            RawPostgresStore? rawPostgres = null;
            IServiceProvider? postgresServices = null;
            if (postgres is not null)
            {
                var services = LayerServices.BuildPostgres(postgres.ConnectionString);
                resources.Push(services);
                postgresServices = services;
                var ids = await PrepareAsync(services, cancellationToken).ConfigureAwait(false);
                rawPostgres = new RawPostgresStore(postgres.ConnectionString);
                resources.Push(rawPostgres);
                single.Add(new LoadScenario("postgres layer upsert", "postgres", "layer", 1, StoreOperations.Upsert(services)));
                single.Add(new LoadScenario("postgres raw upsert", "postgres", "raw", 1, rawPostgres.UpsertAsync));
                single.Add(new LoadScenario(PostgresRawUpsertInTransaction, "postgres", "raw", 1, rawPostgres.UpsertInTransactionAsync));
                single.Add(new LoadScenario("postgres layer get", "postgres", "layer", 1, StoreOperations.Get(services, ids)));
                single.Add(new LoadScenario("postgres raw get", "postgres", "raw", 1, rawPostgres.Get(ids)));
            }

            measurements.AddRange(await MeasureAsync("single operations", single, warmUp, windows, cancellationToken).ConfigureAwait(false));

            // 2. One caller: issue 13's three reads through the stores and by hand. The rows are
            // written once per database and only read, so the raw reads share the layer's file.
            var reads = new List<LoadScenario>();
            {
                var services = LayerServices.Build(DatabasePath("reads"));
                resources.Push(services);
                await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                var raw = RawReads.Sqlite(DatabasePath("reads"));
                resources.Push(raw);
                await AddReadsAsync(reads, "sqlite", services, raw, cancellationToken).ConfigureAwait(false);
            }

            if (postgresServices is not null && postgres is not null)
            {
                var raw = RawReads.Postgres(postgres.ConnectionString);
                resources.Push(raw);
                await AddReadsAsync(reads, "postgres", postgresServices, raw, cancellationToken).ConfigureAwait(false);
            }

            measurements.AddRange(await MeasureAsync("reads", reads, warmUp, windows, cancellationToken).ConfigureAwait(false));

            // 3 and 4. SQLite: concurrent writers with and without group commit, FULL and NORMAL, and the disk's fsync rate.
            var sqlite = new List<LoadScenario>();
            {
                var fsync = FsyncScenario.Open(Path.Combine(directory, "fsync.bin"), preallocate: true);
                resources.Push(fsync);
                sqlite.Add(new LoadScenario("fsync", "disk", "fsync", 1, fsync.CommitAsync));
                var groupCommit = await OpenWriterAsync(DatabasePath("group-commit-full"), "FULL", groupCommit: true, resources, cancellationToken).ConfigureAwait(false);
                var oneByOne = await OpenWriterAsync(DatabasePath("no-group-commit-full"), "FULL", groupCommit: false, resources, cancellationToken).ConfigureAwait(false);
                var normal = await OpenWriterAsync(DatabasePath("group-commit-normal"), "NORMAL", groupCommit: true, resources, cancellationToken).ConfigureAwait(false);
                foreach (var writers in SqliteWriters)
                {
                    sqlite.Add(new LoadScenario(Gc("FULL", writers), "sqlite", "layer", writers, StoreOperations.Upsert(groupCommit.Services), groupCommit.Meter));
                    sqlite.Add(new LoadScenario(NoGc(writers), "sqlite", "layer", writers, StoreOperations.Upsert(oneByOne.Services), oneByOne.Meter));
                }

                sqlite.Add(new LoadScenario(Gc("NORMAL", 64), "sqlite", "layer", 64, StoreOperations.Upsert(normal.Services), normal.Meter));

                // Plain ADO.NET on a file of its own (migrated by the layer, then closed), callers
                // taking turns on one connection: the curve group commit is measured against.
                await LayerServices.MigrateAsync(DatabasePath("raw-full"), cancellationToken).ConfigureAwait(false);

                var raw = new RawSqliteStore(DatabasePath("raw-full"), "FULL");
                resources.Push(raw);
                var rawUpsert = raw.SerializedUpsert();
                foreach (var writers in SqliteWriters)
                {
                    sqlite.Add(new LoadScenario(Raw(writers), "sqlite", "raw", writers, rawUpsert));
                }

                // The same upsert by hand, RawBatch at a time in one transaction from one loop: what
                // one writer connection can do on this machine with the batches group commit forms
                // at 64 writers, on a file of its own.
                await LayerServices.MigrateAsync(DatabasePath("raw-batched"), cancellationToken).ConfigureAwait(false);

                var batched = new RawSqliteStore(DatabasePath("raw-batched"), "FULL");
                resources.Push(batched);
                sqlite.Add(new LoadScenario(RawBatched, "sqlite", "raw batched", 1, batched.BatchedUpsert(RawBatch)));
            }

            measurements.AddRange(await MeasureAsync("SQLite concurrent writers", sqlite, warmUp, windows, cancellationToken).ConfigureAwait(false));

            // 5. PostgreSQL: concurrent writers through the layer and raw.
            if (postgresServices is not null && rawPostgres is not null)
            {
                var concurrent = new List<LoadScenario>();
                foreach (var writers in PostgresWriters)
                {
                    concurrent.Add(new LoadScenario(Pg("layer", writers), "postgres", "layer", writers, StoreOperations.Upsert(postgresServices)));
                    concurrent.Add(new LoadScenario(Pg("raw", writers), "postgres", "raw", writers, rawPostgres.UpsertAsync));
                }

                measurements.AddRange(await MeasureAsync("PostgreSQL concurrent writers", concurrent, warmUp, windows, cancellationToken).ConfigureAwait(false));
            }

            var report = new StoresReport(
                "stores", environment, postgresNote, BenchEnvironment.LoadAverage(), pressure.PercentSinceStart(), warmUp.TotalSeconds, Window.TotalSeconds, windows,
                measurements, Ratios(measurements), Targets(measurements));
            var markdown = Render(report, Path.GetFileName(Path.ChangeExtension(outPath, ".svg")));
            await Console.Out.WriteAsync(markdown).ConfigureAwait(false);
            var (json, md) = await ResultFiles.WriteAsync(outPath, report, markdown, cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"wrote {json} and {md}").ConfigureAwait(false);
            if (StoresChart.Render(measurements, $"measured {environment.MeasuredAtUtc:yyyy-MM-dd HH:mm} UTC, source {environment.SourceRevision}") is { } chart)
            {
                var svg = Path.ChangeExtension(json, ".svg");
                await ResultFiles.ReplaceAsync(svg, chart, cancellationToken).ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"wrote {svg}").ConfigureAwait(false);
            }
            return 0;
        }
        finally
        {
            while (resources.TryPop(out var resource))
            {
                await resource.DisposeAsync().ConfigureAwait(false);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Gc(string synchronous, int writers) => $"gc {synchronous} x{writers}";

    private static string NoGc(int writers) => $"no-gc FULL x{writers}";

    private static string Raw(int writers) => $"raw FULL x{writers}";

    /// <summary>The batch of the hand-written group commit: about what the layer forms at 64 writers (half of them in flight while the other half waits).</summary>
    internal const int RawBatch = 32;

    /// <summary>The hand-written group commit's scenario: one loop, <see cref="RawBatch"/> upserts per transaction.</summary>
    internal static readonly string RawBatched = $"raw FULL batch {RawBatch}";

    private static string Pg(string path, int writers) => $"postgres {path} x{writers}";

    /// <summary>Migrates the database through the layer and seeds the task states the reads look up.</summary>
    private static async Task<string[]> PrepareAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return await StoreRows.SeedAsync(services, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Seeds the reads' rows through the layer and adds a layer and a raw scenario per read.</summary>
    private static async Task AddReadsAsync(List<LoadScenario> reads, string database, IServiceProvider services, RawReads raw, CancellationToken cancellationToken)
    {
        var (root, workflow) = await ReadRows.SeedAsync(services, cancellationToken).ConfigureAwait(false);
        var maxDepth = services.GetRequiredService<IOptions<StoreOptions>>().Value.TaskTreeMaxDepth;
        reads.Add(new LoadScenario(Read(database, "layer", "tree"), database, "layer", 1, StoreOperations.TaskTree(services, root)));
        reads.Add(new LoadScenario(Read(database, "raw", "tree"), database, "raw", 1, raw.TaskTree(root, maxDepth)));
        reads.Add(new LoadScenario(Read(database, "layer", "workflow"), database, "layer", 1, StoreOperations.Workflow(services, workflow)));
        reads.Add(new LoadScenario(Read(database, "raw", "workflow"), database, "raw", 1, raw.Workflow(workflow)));
        reads.Add(new LoadScenario(Read(database, "layer", "listing"), database, "layer", 1, StoreOperations.Listing(services)));
        reads.Add(new LoadScenario(Read(database, "raw", "listing"), database, "raw", 1, raw.Listing()));
    }

    private static string Read(string database, string path, string read) => $"{database} {path} read {read}";

    private static bool IsRead(LoadMeasurement measurement) => measurement.Scenario.Contains(" read ", StringComparison.Ordinal);

    private static async Task<(IServiceProvider Services, WriterMeter Meter)> OpenWriterAsync(
        string path, string synchronous, bool groupCommit, Stack<IAsyncDisposable> resources, CancellationToken cancellationToken)
    {
        var services = LayerServices.Build(path, synchronous, groupCommit: groupCommit);
        resources.Push(services);
        var meter = new WriterMeter(services);
        resources.Push(new DisposeOnly(meter));
        await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return (services, meter);
    }

    private static async Task<List<LoadMeasurement>> MeasureAsync(
        string group, List<LoadScenario> scenarios, TimeSpan warmUp, int windows, CancellationToken cancellationToken)
    {
        var recorders = scenarios.Select(scenario => new LoadRecorder(scenario)).ToList();
        foreach (var recorder in recorders)
        {
            await recorder.WarmUpAsync(warmUp, cancellationToken).ConfigureAwait(false);
            DiskSync.SyncAll();
        }

        await Console.Error.WriteLineAsync($"  {group}: warmed up {recorders.Count} scenarios; measuring {windows} windows of {Window.TotalSeconds:0} s each, in turn").ConfigureAwait(false);
        for (var window = 1; window <= windows; window++)
        {
            foreach (var recorder in recorders)
            {
                await recorder.RecordWindowAsync(Window, cancellationToken).ConfigureAwait(false);

                // Untimed: pages a NORMAL scenario or PostgreSQL left dirty are not written back in the next one's fsyncs.
                DiskSync.SyncAll();
            }

            await Console.Error.WriteLineAsync($"  {group}: window {window}/{windows} done").ConfigureAwait(false);
        }

        return recorders.Select(recorder => recorder.ToMeasurement()).ToList();
    }

    private static List<Ratio> Ratios(List<LoadMeasurement> measurements)
    {
        LoadMeasurement? Of(string scenario) => measurements.SingleOrDefault(m => m.Scenario == scenario);
        var ratios = new List<Ratio>();

        // Rates: above 1 = the numerator is faster.
        void Rate(string numerator, string denominator, string meaning)
        {
            if (Of(numerator) is { } n && Of(denominator) is { } d)
            {
                ratios.Add(new Ratio($"{numerator} / {denominator}", n.PerSecond / d.PerSecond, meaning, n.WindowPerSecondMax / d.WindowPerSecondMax));
            }
        }

        // Costs: time per operation of the layer over raw's; above 1 = the layer is slower.
        void Cost(string layer, string raw, string what, string target = " (target <= 1.3)")
        {
            if (Of(layer) is { } l && Of(raw) is { } r)
            {
                ratios.Add(new Ratio($"{layer} / {raw} (time per op)", r.PerSecond / l.PerSecond, $"{what}: the layer's mean time per operation over raw's (tails included)", r.WindowPerSecondMax / l.WindowPerSecondMax));
                ratios.Add(new Ratio($"{layer} / {raw} (p50)", l.P50Microseconds / r.P50Microseconds, $"{what}: median latency, layer over raw{target}"));
                ratios.Add(new Ratio($"{layer} / {raw} (p99)", l.P99Microseconds / r.P99Microseconds, $"{what}: 99th percentile latency, layer over raw"));
            }
        }

        foreach (var database in new[] { "sqlite", "postgres" })
        {
            foreach (var operation in Operations)
            {
                Cost($"{database} layer {operation}", $"{database} raw {operation}", $"one caller, {database} {operation}");
            }
        }

        // What the layer adds to the two round trips its commit check needs, by hand.
        Cost("postgres layer upsert", PostgresRawUpsertInTransaction, "one caller, postgres upsert against raw Npgsql in the layer's transaction shape (two round trips)", target: string.Empty);

        foreach (var database in new[] { "sqlite", "postgres" })
        {
            foreach (var (read, what) in Reads)
            {
                if (Of(Read(database, "layer", read)) is { } l && Of(Read(database, "raw", read)) is { } r)
                {
                    ratios.Add(new Ratio($"{Read(database, "layer", read)} / {Read(database, "raw", read)} (p50)", l.P50Microseconds / r.P50Microseconds, $"{database} {what}: median latency, layer over hand-written SQL (target <= {ReadTarget})"));
                    ratios.Add(new Ratio($"{Read(database, "layer", read)} / {Read(database, "raw", read)} (p99)", l.P99Microseconds / r.P99Microseconds, $"{database} {what}: 99th percentile latency, layer over hand-written SQL"));
                }
            }
        }

        foreach (var writers in SqliteWriters.Skip(1))
        {
            Rate(Gc("FULL", writers), Gc("FULL", 1), "durable writes/s gained by concurrency with group commit, over the single-writer FULL rate (targets: >= 8 at 64 writers, >= 5 at 128)");
        }

        foreach (var writers in SqliteWriters.Skip(1))
        {
            Rate(NoGc(writers), NoGc(1), "the same without group commit: one transaction and one fsync per write");
        }

        foreach (var writers in SqliteWriters)
        {
            Rate(Gc("FULL", writers), NoGc(writers), "what group commit buys at this many writers");
        }

        foreach (var writers in SqliteWriters)
        {
            Rate(Gc("FULL", writers), Raw(writers), "the layer with group commit over plain ADO.NET taking turns on one connection (one transaction and one fsync per write)");
        }

        foreach (var writers in SqliteWriters)
        {
            Rate(Gc("FULL", writers), "fsync", "durable writes per fsync the disk can do with group commit (above 1 = more than one write per fsync; target >= 2 at 64 writers)");
        }

        foreach (var writers in SqliteWriters)
        {
            Rate(NoGc(writers), "fsync", "the same without group commit (at most about 1)");
        }

        foreach (var writers in new[] { 64, 128 })
        {
            Rate(Gc("FULL", writers), RawBatched, $"the layer with group commit over plain ADO.NET committing {RawBatch} upserts per transaction (a savepoint each) from one loop: the share of one writer connection's ceiling on this machine that the layer reaches");
        }

        Rate(Gc("FULL", 64), Gc("NORMAL", 64), "FULL's rate as a share of NORMAL's under group commit at 64 writers (target >= 0.75: FULL within 25%)");

        foreach (var writers in PostgresWriters)
        {
            Cost(Pg("layer", writers), Pg("raw", writers), $"PostgreSQL upserts, {writers} concurrent writers");
        }

        foreach (var path in new[] { "layer", "raw" })
        {
            foreach (var writers in PostgresWriters.Skip(1))
            {
                Rate(Pg(path, writers), Pg(path, 1), $"PostgreSQL upserts/s gained by concurrency, {path}");
            }
        }

        return ratios;
    }

    private static List<TargetReading> Targets(List<LoadMeasurement> measurements)
    {
        LoadMeasurement? Of(string scenario) => measurements.SingleOrDefault(m => m.Scenario == scenario);
        var targets = new List<TargetReading>();
        foreach (var database in new[] { "sqlite", "postgres" })
        {
            foreach (var operation in Operations)
            {
                if (Of($"{database} layer {operation}") is { } layer && Of($"{database} raw {operation}") is { } raw)
                {
                    // The median: a latency target, and the one statistic the shared machine's
                    // multi-millisecond stalls (which hit either side at random) do not move.
                    var median = layer.P50Microseconds / raw.P50Microseconds;
                    targets.Add(new TargetReading(
                        $"stores/raw <= 1.3x ({database} {operation}, one caller, median latency)",
                        $"{Numbers.Times(median)} (p50 {Numbers.Decimal(layer.P50Microseconds)} vs {Numbers.Decimal(raw.P50Microseconds)} us; mean time per op {Numbers.Times(raw.PerSecond / layer.PerSecond)})",
                        median <= 1.3));
                }
            }
        }

        foreach (var database in new[] { "sqlite", "postgres" })
        {
            foreach (var (read, what) in Reads)
            {
                if (Of(Read(database, "layer", read)) is { } layer && Of(Read(database, "raw", read)) is { } raw)
                {
                    var median = layer.P50Microseconds / raw.P50Microseconds;
                    targets.Add(new TargetReading(
                        $"stores/hand-written SQL <= {ReadTarget}x ({database} {what}, one caller, median latency)",
                        $"{Numbers.Times(median)} (p50 {Numbers.Decimal(layer.P50Microseconds)} vs {Numbers.Decimal(raw.P50Microseconds)} us)",
                        median <= ReadTarget));
                }
            }
        }

        if (Of(Gc("FULL", 128)) is { } many)
        {
            var errors = many.Errors + (many.BusyErrors ?? 0);
            targets.Add(new TargetReading(
                "128 concurrent SQLite writers: zero busy errors and p99 <= 25 ms",
                $"{errors} errors ({many.BusyErrors ?? 0} busy), p99 {Numbers.Decimal(many.P99Microseconds / 1000)} ms",
                errors == 0 && many.P99Microseconds <= 25_000));
        }

        if (Of(Gc("FULL", 64)) is { } sixtyFour)
        {
            targets.Add(new TargetReading(
                "64 concurrent SQLite writers (group commit, FULL): p99 <= 10 ms",
                $"p99 {Numbers.Decimal(sixtyFour.P99Microseconds / 1000)} ms, {sixtyFour.Errors + (sixtyFour.BusyErrors ?? 0)} errors",
                sixtyFour.P99Microseconds <= 10_000 && sixtyFour.Errors + (sixtyFour.BusyErrors ?? 0) == 0));
            if (Of("fsync") is { } fsync)
            {
                var perSync = sixtyFour.PerSecond / fsync.PerSecond;
                targets.Add(new TargetReading(
                    "group commit durable throughput >= 2x the disk's fsync rate (64 writers, FULL)",
                    $"{Numbers.Times(perSync)} ({Numbers.Count(sixtyFour.PerSecond)} writes/s vs {Numbers.Count(fsync.PerSecond)} fsyncs/s)",
                    perSync >= 2));
            }
        }

        if (Of(Gc("FULL", 1)) is { } one)
        {
            // Issue 13 asks 8x at 64 writers; issue 4's 5x stays the bar at 128.
            foreach (var (writers, bar) in new[] { (64, 8), (128, 5) })
            {
                if (Of(Gc("FULL", writers)) is { } group)
                {
                    var gain = group.PerSecond / one.PerSecond;
                    targets.Add(new TargetReading(
                        $"group commit durable throughput >= {bar}x the single-writer FULL rate ({writers} writers)",
                        $"{Numbers.Times(gain)} ({Numbers.Count(group.PerSecond)} vs {Numbers.Count(one.PerSecond)} writes/s)",
                        gain >= bar));
                }
            }
        }

        foreach (var writers in PostgresWriters.Skip(1))
        {
            if (Of(Pg("layer", writers)) is { } layer && Of(Pg("raw", writers)) is { } raw)
            {
                var share = layer.PerSecond / raw.PerSecond;
                targets.Add(new TargetReading(
                    $"PostgreSQL through the stores >= 0.8x raw Npgsql ({writers} writers, upserts/s)",
                    $"{Numbers.Times(share)} ({Numbers.Count(layer.PerSecond)} vs {Numbers.Count(raw.PerSecond)} upserts/s)",
                    share >= 0.8));
            }
        }

        if (Of(Gc("FULL", 64)) is { } full && Of(Gc("NORMAL", 64)) is { } normal)
        {
            var share = full.PerSecond / normal.PerSecond;
            targets.Add(new TargetReading(
                "FULL within 25% of NORMAL under group commit (64 writers)",
                $"FULL at {Numbers.Times(share)} of NORMAL ({Numbers.Count(full.PerSecond)} vs {Numbers.Count(normal.PerSecond)} writes/s)",
                share >= 0.75));
        }

        return targets;
    }

    private static string Render(StoresReport report, string chartFile)
    {
        var text = new StringBuilder()
            .Append("## stores\n\n")
            .Append(CultureInfo.InvariantCulture, $"Measured {report.Environment.MeasuredAtUtc:yyyy-MM-dd HH:mm} UTC on {report.Environment.Summary}; {report.Postgres}; at end {report.LoadAverageAtEnd}; ")
            .Append(CultureInfo.InvariantCulture, $"CPU pressure during the run {(report.CpuPressurePercent is { } cpu ? $"{cpu:0.#}%" : "unknown")} (share of time a runnable task waited for a core; with 128 writers the benchmark itself adds some).\n")
            .Append(CultureInfo.InvariantCulture, $"Each scenario warmed up {report.WarmUpSeconds:0.#} s, then measured in {report.WindowsPerScenario} windows of {report.WindowSeconds:0} s taken in turn with the others of its group; ")
            .Append("rates and latencies are over all windows together; a latency is one call as its caller sees it (queueing included). ")
            .Append("SQLite runs synchronous FULL unless named NORMAL; `gc` = the layer's default group commit, `no-gc` = `database.sqlite.group_commit: false` (one transaction and one fsync per write). ")
            .Append("Targets are issues 4's and 13's, shown beside the figures and not asserted.\n\n");

        var targets = new MarkdownTable("target", "measured", "met in this run");
        foreach (var target in report.Targets)
        {
            targets.Add(target.Target, target.Measured, target.Met ? "yes" : "no");
        }

        text.Append("### Targets\n\n").Append(targets).Append('\n');

        AppendRates(text, "### One caller: upsert and get by id, stores vs raw ADO.NET", report.Measurements.Where(m => m.Workers == 1 && !m.Scenario.Contains(" x", StringComparison.Ordinal) && m.Path != "fsync" && m.Scenario != RawBatched && !IsRead(m)), batches: false);
        AppendRates(text, "### One caller: a task tree of 1,000, a workflow with 1,000 tasks, a filtered page of 100, stores vs hand-written SQL", report.Measurements.Where(IsRead), batches: false);
        AppendRates(text, "### SQLite: concurrent writers, with and without group commit, and the disk's fsync rate", report.Measurements.Where(m => m.Database == "disk" || m.Scenario == RawBatched || (m.Database == "sqlite" && m.Scenario.Contains(" x", StringComparison.Ordinal))), batches: true);
        if (report.Measurements.Any(m => m.Path == "fsync"))
        {
            text.Append(CultureInfo.InvariantCulture, $"`raw FULL` = plain Microsoft.Data.Sqlite, the callers taking turns on one connection, one transaction and one fsync per write.\n\n![durable writes/s against concurrent writers]({chartFile})\n\n");
        }

        AppendRates(text, "### PostgreSQL: concurrent writers, stores vs raw Npgsql", report.Measurements.Where(m => m.Database == "postgres" && m.Scenario.Contains(" x", StringComparison.Ordinal)), batches: false);

        var ratios = new MarkdownTable("ratio", "all windows", "best windows", "reads as");
        foreach (var ratio in report.Ratios)
        {
            ratios.Add(ratio.Name, Numbers.Times(ratio.Value), ratio.BestValue is { } best ? Numbers.Times(best) : "", ratio.Meaning);
        }

        return text.Append("### Ratios\n\n").Append(ratios).ToString();
    }

    private static void AppendRates(StringBuilder text, string title, IEnumerable<LoadMeasurement> rows, bool batches)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        var headers = new List<string> { "scenario", "writers", "ops/s", "p50 (us)", "p99 (us)", "max (us)", "errors" };
        if (batches)
        {
            headers.AddRange(["busy", "commits/s", "writes/commit (mean / max)", "queue wait p50 / p99 (ms)"]);
        }

        headers.Add("windows: min / median / best ops/s");
        var table = new MarkdownTable([.. headers]);
        foreach (var m in list)
        {
            var cells = new List<string>
            {
                m.Scenario, m.Workers.ToString(CultureInfo.InvariantCulture), Numbers.Count(m.PerSecond), Numbers.Decimal(m.P50Microseconds),
                Numbers.Decimal(m.P99Microseconds), Numbers.Decimal(m.MaxMicroseconds), Numbers.Count(m.Errors),
            };
            if (batches)
            {
                cells.Add(m.BusyErrors is { } busy ? Numbers.Count(busy) : "");
                cells.Add(m.TransactionsPerSecond is { } commits ? Numbers.Count(commits) : "");
                cells.Add(m.MeanBatchSize is { } mean ? $"{Numbers.Decimal(mean)} / {m.MaxBatchSize}" : "");
                cells.Add(m.QueueWaitP50Ms is { } p50 ? $"{Numbers.Decimal(p50)} / {Numbers.Decimal(m.QueueWaitP99Ms ?? 0)}" : "");
            }

            cells.Add($"{Numbers.Count(m.WindowPerSecondMin)} / {Numbers.Count(m.WindowPerSecondMedian)} / {Numbers.Count(m.WindowPerSecondMax)}");
            table.Add([.. cells]);
        }

        text.Append(title).Append("\n\n").Append(table).Append('\n');
        if (list.FirstOrDefault(m => m.FirstError is not null) is { } failed)
        {
            text.Append(CultureInfo.InvariantCulture, $"First error ({failed.Scenario}): {failed.FirstError}\n\n");
        }
    }

    /// <summary>Lets a synchronous disposable sit on the stack of resources closed at the end.</summary>
    private sealed class DisposeOnly(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
