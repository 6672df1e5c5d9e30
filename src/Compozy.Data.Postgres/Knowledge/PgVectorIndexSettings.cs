using System.Globalization;
using Compozy.Data.Configuration;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>The HNSW settings of one <c>knowledge.vector_dbs</c> entry, from its <c>options</c> (validated by <see cref="PgVectorStoreProvider"/>).</summary>
/// <param name="M">Links per node (<c>hnsw_m</c>, default 16).</param>
/// <param name="EfConstruction">Candidates while building (<c>hnsw_ef_construction</c>, default 64).</param>
/// <param name="EfSearch">Candidates while searching (<c>ef_search</c>, default 40); a search uses at least its <c>top_k</c>.</param>
/// <param name="ExactSearchMaxRows">Up to this many chunks a knowledge base is searched exactly (<c>exact_search_max_rows</c>, default 10000; 0: never).</param>
internal sealed record PgVectorIndexSettings(int M, int EfConstruction, int EfSearch, int ExactSearchMaxRows = 10_000)
{
    /// <summary>pgvector's defaults, and exact search up to 10,000 chunks.</summary>
    public static PgVectorIndexSettings Default { get; } = new(16, 64, 40);

    /// <summary>The largest <c>hnsw.ef_search</c> pgvector accepts.</summary>
    public const int MaxEfSearch = 1000;

    /// <summary>The settings of <paramref name="entry"/>, defaults where it sets none.</summary>
    public static PgVectorIndexSettings Of(VectorDatabaseOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(
            Read(entry, PgVectorStoreProvider.HnswM, Default.M),
            Read(entry, PgVectorStoreProvider.HnswEfConstruction, Default.EfConstruction),
            Read(entry, PgVectorStoreProvider.EfSearch, Default.EfSearch),
            Read(entry, PgVectorStoreProvider.ExactSearchMaxRows, Default.ExactSearchMaxRows));
    }

    /// <summary>The <c>hnsw.ef_search</c> of a search for <paramref name="topK"/> results: the configured value, at least <paramref name="topK"/>, at most <see cref="MaxEfSearch"/>.</summary>
    public int EfSearchFor(int topK) => Math.Min(MaxEfSearch, Math.Max(EfSearch, topK));

    private static int Read(VectorDatabaseOptions entry, string key, int fallback) =>
        entry.Options.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;
}
