using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Compozy.Data.Knowledge;
using Compozy.Data.Postgres.Connections;
using Npgsql;
using Pgvector;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// The SQL the pgvector store speaks, for code that queries <c>knowledge_chunks</c> directly and
/// wants the same plans: the distance expression each knowledge base's HNSW index is built on,
/// its predicate, the index name, and how a distance becomes a score.
/// </summary>
/// <remarks>
/// Knowledge bases of every dimension share the <c>embedding vector</c> column. Each has a partial
/// expression index, <c>USING hnsw ((embedding::vector(n)) ops) WHERE knowledge_base_name = '...'</c>;
/// PostgreSQL uses it only for a query that orders by that very expression and filters on that
/// very name, which is why these are built here rather than left to each caller (or to LINQ,
/// whose translation would have to reproduce the cast and the literal exactly).
/// </remarks>
internal static class PgVectorSql
{
    /// <summary>pgvector's type, unqualified (it resolves in whichever schema the extension was created), and the extension's name.</summary>
    public const string VectorType = "vector";

    /// <summary>The chunks table.</summary>
    public const string ChunksTable = "knowledge_chunks";

    /// <summary>The embedding column.</summary>
    public const string EmbeddingColumn = "embedding";

    /// <summary>The knowledge base name column of the chunks table.</summary>
    public const string KnowledgeBaseColumn = "knowledge_base_name";

    /// <summary>The largest dimension pgvector's HNSW index takes for <c>vector</c>.</summary>
    public const int MaxIndexedDimension = PgVectorStoreProvider.MaxIndexedDimension;

    /// <summary>pgvector's distance operator for <paramref name="metric"/>: <c>&lt;=&gt;</c> (cosine distance), <c>&lt;-&gt;</c> (L2) or <c>&lt;#&gt;</c> (negative inner product).</summary>
    public static string Operator(VectorMetric metric) => metric switch
    {
        VectorMetric.Cosine => "<=>",
        VectorMetric.L2 => "<->",
        VectorMetric.Dot => "<#>",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric"),
    };

    /// <summary>The HNSW operator class of <paramref name="metric"/>.</summary>
    public static string OperatorClass(VectorMetric metric) => metric switch
    {
        VectorMetric.Cosine => "vector_cosine_ops",
        VectorMetric.L2 => "vector_l2_ops",
        VectorMetric.Dot => "vector_ip_ops",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric"),
    };

    /// <summary>The indexed expression: the embedding cast to the knowledge base's dimension.</summary>
    public static string IndexedEmbedding(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, PgVectorValues.MaxDimension);
        return string.Create(CultureInfo.InvariantCulture, $"({EmbeddingColumn}::vector({dimension}))");
    }

    /// <summary>
    /// The distance between a chunk and the query in <paramref name="queryPlaceholder"/> (a
    /// parameter such as <c>@query</c>, sent with <see cref="Parameter"/>), written so that the
    /// knowledge base's HNSW index serves <c>ORDER BY</c> on it. Lower is closer for every metric.
    /// </summary>
    public static string Distance(KnowledgeBaseDefinition knowledgeBase, string queryPlaceholder)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentException.ThrowIfNullOrWhiteSpace(queryPlaceholder);
        return $"{IndexedEmbedding(knowledgeBase.Dimension)} {Operator(knowledgeBase.Metric)} {queryPlaceholder}";
    }

    /// <summary>
    /// The same distance without the cast, which no index serves: an exact scan of the knowledge
    /// base's chunks, for ground truth (recall) and for knowledge bases too small to need the index.
    /// </summary>
    public static string ExactDistance(VectorMetric metric, string queryPlaceholder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queryPlaceholder);
        return $"{EmbeddingColumn} {Operator(metric)} {queryPlaceholder}";
    }

    /// <summary>The condition selecting one knowledge base's chunks, with the name as a literal: the index's predicate.</summary>
    public static string KnowledgeBasePredicate(string knowledgeBaseName) =>
        $"{KnowledgeBaseColumn} = {Literal(knowledgeBaseName)}";

    /// <summary>
    /// A SQL string literal of <paramref name="value"/>: quotes doubled, and with backslashes
    /// doubled in the <c>E'...'</c> form when there are any, so it reads the same whatever
    /// <c>standard_conforming_strings</c> is.
    /// </summary>
    /// <exception cref="ArgumentException">The value contains a NUL character, which PostgreSQL text cannot hold.</exception>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("PostgreSQL text cannot contain a NUL character", nameof(value));
        }

        var quoted = value.Replace("'", "''", StringComparison.Ordinal);
        return value.Contains('\\', StringComparison.Ordinal)
            ? $"E'{quoted.Replace("\\", "\\\\", StringComparison.Ordinal)}'"
            : $"'{quoted}'";
    }

    /// <summary>
    /// The name of a knowledge base's HNSW index: a fixed prefix and the first 16 hex digits of
    /// the SHA-256 of its name, so any name (of any length or alphabet) gives a valid, stable
    /// identifier of 42 characters.
    /// </summary>
    public static string IndexName(string knowledgeBaseName) =>
        "idx_knowledge_chunks_hnsw_" + Convert.ToHexStringLower(Hash(knowledgeBaseName), 0, 8);

    /// <summary>A 64-bit key for <c>pg_advisory_lock</c>, serialising index work on one knowledge base across processes.</summary>
    public static long IndexLockKey(string knowledgeBaseName) =>
        PostgresAdvisoryLockKey.For("compozy:pgvector:index:" + knowledgeBaseName);

    /// <summary>
    /// The score a search result carries for a distance from <see cref="Distance"/>: cosine
    /// similarity (1 - cosine distance), inner product (the operator gives its negative), or L2
    /// distance as is. pgvector's cosine distance with a zero vector (stored or queried) is NaN;
    /// its score is 0, as the embedded store defines it.
    /// </summary>
    public static double ToScore(VectorMetric metric, double distance) => metric switch
    {
        // NaN would break the [-1, 1] contract and cannot be written as JSON by the HTTP API.
        VectorMetric.Cosine => double.IsNaN(distance) ? 0 : 1 - distance,
        VectorMetric.Dot => -distance,
        VectorMetric.L2 => distance,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric"),
    };

    /// <summary>
    /// A <c>vector</c> parameter holding a copy of <paramref name="values"/>, as the Pgvector
    /// package's <see cref="Vector"/>: a <c>float[]</c> would be sent as <c>real[]</c>, which no
    /// distance operator takes. The data source needs <c>UseVector()</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The values cannot be stored as a vector (the message names the length or the first bad value).</exception>
    public static NpgsqlParameter Parameter(string name, ReadOnlySpan<float> values) =>
        new NpgsqlParameter<Vector>(name, PgVectorValues.ToVector(values));

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
