namespace Compozy.Data.Benchmarks;

/// <summary>One scenario of <c>stores</c> over all its measured windows.</summary>
/// <param name="Scenario">Short name used in ratios.</param>
/// <param name="Database"><c>sqlite</c>, <c>postgres</c> or <c>disk</c>.</param>
/// <param name="Path"><c>layer</c>, <c>raw</c> or <c>fsync</c>.</param>
/// <param name="Workers">Concurrent callers.</param>
/// <param name="Operations">Operations completed without error in all windows together.</param>
/// <param name="Seconds">Total measured time (each window ends when its last caller's last operation returned).</param>
/// <param name="PerSecond">Operations per second over all windows together: for writes, durable writes acknowledged per second.</param>
/// <param name="P50Microseconds">Median latency of one operation as its caller sees it (queueing included).</param>
/// <param name="P99Microseconds">99th percentile latency.</param>
/// <param name="MaxMicroseconds">Slowest operation.</param>
/// <param name="WindowPerSecondMin">Rate of the slowest window.</param>
/// <param name="WindowPerSecondMedian">Rate of the median window.</param>
/// <param name="WindowPerSecondMax">Rate of the fastest window.</param>
/// <param name="WindowRates">Rate of every window, in the order measured.</param>
/// <param name="Errors">Operations that threw (not counted in <paramref name="Operations"/>).</param>
/// <param name="FirstError">The first exception's type and message, if any.</param>
/// <param name="BusyErrors">SQLITE_BUSY/LOCKED errors the layer's writer counted (its metric), where observable.</param>
/// <param name="Transactions">Transactions (batches) the SQLite writer committed, from its batch-size metric, where observable.</param>
/// <param name="TransactionsPerSecond">Transactions per second (each is one fsync of the WAL under FULL).</param>
/// <param name="MeanBatchSize">Writes per committed transaction, on average.</param>
/// <param name="MaxBatchSize">Largest batch.</param>
/// <param name="QueueWaitP50Ms">Median time a write waited in the writer's queue (its metric).</param>
/// <param name="QueueWaitP99Ms">99th percentile of that wait.</param>
internal sealed record LoadMeasurement(
    string Scenario,
    string Database,
    string Path,
    int Workers,
    long Operations,
    double Seconds,
    double PerSecond,
    double P50Microseconds,
    double P99Microseconds,
    double MaxMicroseconds,
    double WindowPerSecondMin,
    double WindowPerSecondMedian,
    double WindowPerSecondMax,
    IReadOnlyList<double> WindowRates,
    long Errors,
    string? FirstError,
    long? BusyErrors,
    long? Transactions,
    double? TransactionsPerSecond,
    double? MeanBatchSize,
    long? MaxBatchSize,
    double? QueueWaitP50Ms,
    double? QueueWaitP99Ms);
