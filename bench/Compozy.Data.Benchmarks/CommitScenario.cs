namespace Compozy.Data.Benchmarks;

/// <summary>
/// One commit-rate scenario, opened and ready: its database (or file) exists and stays open for
/// the whole run, so it can be measured in many short windows interleaved with the others.
/// </summary>
internal sealed class CommitScenario(string name, string path, string? synchronous, Func<ValueTask> commit, Func<ValueTask> close) : IAsyncDisposable
{
    /// <summary>Short name used in ratios (<c>fsync</c>, <c>raw FULL</c>, <c>layer NORMAL</c>...).</summary>
    public string Name => name;

    /// <summary>What performs the commit: <c>fsync</c>, <c>raw</c>, <c>raw-schema</c> or <c>layer</c>.</summary>
    public string Path => path;

    /// <summary>SQLite's synchronous mode, or <see langword="null"/> for the fsync baseline.</summary>
    public string? Synchronous => synchronous;

    /// <summary>One commit (or one write + fsync), completed when it returns.</summary>
    public ValueTask CommitAsync() => commit();

    public ValueTask DisposeAsync() => close();
}
