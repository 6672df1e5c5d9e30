using System.Globalization;
using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// <c>provider: pgvector</c>: chunks and embeddings in the PostgreSQL database itself, searched
/// through an HNSW index per knowledge base. The default on the postgres driver.
/// </summary>
public sealed class PgVectorStoreProvider : IVectorStoreProvider
{
    /// <summary>The provider name.</summary>
    public const string ProviderName = "pgvector";

    /// <summary>HNSW's <c>m</c>: links per node (pgvector default 16).</summary>
    public const string HnswM = "hnsw_m";

    /// <summary>HNSW's <c>ef_construction</c>: candidates while building (pgvector default 64).</summary>
    public const string HnswEfConstruction = "hnsw_ef_construction";

    /// <summary><c>hnsw.ef_search</c> set for each query: candidates while searching (pgvector default 40); at least <c>top_k</c> is used.</summary>
    public const string EfSearch = "ef_search";

    /// <summary>
    /// Knowledge bases with at most this many chunks are searched by an exact scan instead of the
    /// HNSW index (default 10000; 0 always uses the index): at that size the scan takes
    /// milliseconds and its recall is 1, while HNSW's recall on data without structure can be far
    /// lower (bench/results/knowledge-search.md).
    /// </summary>
    public const string ExactSearchMaxRows = "exact_search_max_rows";

    /// <summary>The largest dimension an HNSW index on <c>vector</c> accepts.</summary>
    public const int MaxIndexedDimension = 2000;

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<string> OptionNames { get; } = [HnswM, HnswEfConstruction, EfSearch, ExactSearchMaxRows];

    /// <inheritdoc />
    /// <remarks>Every knowledge base gets an HNSW index, so the index's limit is the provider's.</remarks>
    public int MaxDimension => MaxIndexedDimension;

    /// <inheritdoc />
    public bool IsDefaultFor(string driver) => driver == PostgresDatabaseProvider.DriverName;

    /// <inheritdoc />
    public void Validate(ConfigurationReader reader, VectorDatabaseOptions entry, string driver)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(entry);
        if (driver != PostgresDatabaseProvider.DriverName)
        {
            // Compozy's wording, extended with the stores that do work on SQLite.
            reader.AddProblem(
                entry.PathOf("provider"),
                "pgvector provider is incompatible with SQLite driver. SQLite requires an external vector database. " +
                "Configure one of: embedded (vectors in the SQLite database file: provider: embedded), " +
                "qdrant (a Qdrant server: provider: qdrant, url: http://localhost:6333), " +
                "or switch database.driver to postgres to keep pgvector");
            return;
        }

        if (entry.Dimension > MaxDimension)
        {
            reader.AddProblem(
                entry.PathOf("dimension"),
                string.Create(CultureInfo.InvariantCulture, $"{entry.Dimension} is more than pgvector's HNSW index takes; allowed: an integer from 1 to {MaxDimension} with the pgvector provider"));
        }

        var m = reader.Read<int?>(entry.PathOf($"options:{HnswM}"), ConfigurationValueType.WholeNumber(2, 100));
        var efConstruction = reader.Read<int?>(entry.PathOf($"options:{HnswEfConstruction}"), ConfigurationValueType.WholeNumber(4, 1000));
        if ((efConstruction ?? PgVectorIndexSettings.Default.EfConstruction) < 2 * (m ?? PgVectorIndexSettings.Default.M))
        {
            // pgvector refuses such an index when a knowledge base is created; say so at startup instead.
            reader.AddProblem(
                entry.PathOf($"options:{HnswEfConstruction}"),
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"is {efConstruction ?? PgVectorIndexSettings.Default.EfConstruction}, but pgvector needs at least twice {HnswM} ({m ?? PgVectorIndexSettings.Default.M}), so at least {2 * (m ?? PgVectorIndexSettings.Default.M)}"));
        }

        reader.Read<int?>(entry.PathOf($"options:{EfSearch}"), ConfigurationValueType.WholeNumber(1, 1000));
        reader.Read<int?>(entry.PathOf($"options:{ExactSearchMaxRows}"), ConfigurationValueType.WholeNumber(0, 10_000_000));
        WarnUnused(reader, entry, "url");
        WarnUnused(reader, entry, "path");
    }

    /// <inheritdoc />
    public void AddServices(IServiceCollection services)
    {
    }

    /// <inheritdoc />
    public IVectorStore Create(VectorDatabaseOptions entry, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(services);
        return new PgVectorStore(
            entry,
            services.GetRequiredService<IDbContextFactory<CompozyDbContext>>(),
            services.GetRequiredService<IDatabaseWriter>(),
            services.GetRequiredService<IDbErrorClassifier>(),
            services.GetRequiredService<NpgsqlDataSource>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetService<ILoggerFactory>()?.CreateLogger<PgVectorStore>() ?? NullLogger<PgVectorStore>.Instance);
    }

    private static void WarnUnused(ConfigurationReader reader, VectorDatabaseOptions entry, string field)
    {
        if (reader.ReadRaw(entry.PathOf(field)) is not null)
        {
            reader.AddWarning(entry.PathOf(field), "is set but the pgvector provider does not use it: the vectors are in the PostgreSQL database");
        }
    }
}
