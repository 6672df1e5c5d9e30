namespace Compozy.Data.Benchmarks;

/// <summary>
/// One scenario of <c>stores</c>: <paramref name="workers"/> concurrent callers each running
/// <paramref name="operation"/> in a loop, awaiting each call before the next. Its database stays
/// open for the whole run (closed by the benchmark, since scenarios share databases), so it can
/// be measured in many short windows interleaved with the others.
/// </summary>
/// <param name="name">Short name used in ratios (<c>sqlite layer upsert</c>, <c>gc FULL x64</c>...).</param>
/// <param name="database"><c>sqlite</c>, <c>postgres</c> or <c>disk</c> (the fsync baseline).</param>
/// <param name="path"><c>layer</c> (through the stores), <c>raw</c> (plain ADO.NET) or <c>fsync</c>.</param>
/// <param name="workers">Concurrent callers.</param>
/// <param name="operation">One operation, completed (and durable, for a write) when it returns.</param>
/// <param name="meter">The writer's metrics (batch sizes, queue wait, busy errors), where the layer's SQLite writer runs it.</param>
internal sealed class LoadScenario(string name, string database, string path, int workers, Func<ValueTask> operation, WriterMeter? meter = null)
{
    public string Name => name;

    public string Database => database;

    public string Path => path;

    public int Workers => workers;

    public WriterMeter? Meter => meter;

    public ValueTask RunAsync() => operation();
}
