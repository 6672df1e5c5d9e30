using System.Globalization;
using System.Text.Json;
using Compozy.Data.Knowledge;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>
/// Seeded random chunks for search tests: Gaussian embeddings, a few exact duplicates (ties the
/// store must break by id), one zero vector, and metadata with a group, a flag and a bucket.
/// </summary>
internal sealed class VectorDataset
{
    /// <summary>The group of the zero vector and a few others: a filter that brings the zero vector into the results.</summary>
    public const string ZeroGroup = "z";

    private VectorDataset(List<DatasetRow> rows, int dimension, string zeroId, IReadOnlyList<(string Original, string Copy)> duplicates)
    {
        Rows = rows;
        Dimension = dimension;
        ZeroId = zeroId;
        Duplicates = duplicates;
    }

    /// <summary>Rows in the (shuffled) order they are written in.</summary>
    public IReadOnlyList<DatasetRow> Rows { get; }

    public int Dimension { get; }

    public string ZeroId { get; }

    /// <summary>Pairs of rows with bit-identical embeddings.</summary>
    public IReadOnlyList<(string Original, string Copy)> Duplicates { get; }

    public static VectorDataset Create(Random random, int count, int dimension, int duplicates = 10)
    {
        var rows = new List<DatasetRow>(count);
        for (var index = 0; index < count; index++)
        {
            rows.Add(new DatasetRow(
                Id(index),
                string.Create(CultureInfo.InvariantCulture, $"doc{index / 20:D3}"),
                Gaussian(random, dimension),
                index % 200 == 7 ? ZeroGroup : string.Create(CultureInfo.InvariantCulture, $"g{index % 4}"),
                (index / 7) % 2 == 0,
                (index / 3) % 10));
        }

        var pairs = new List<(string, string)>();
        for (var pair = 0; pair < duplicates; pair++)
        {
            // Originals early, copies late, so that neither id order nor write order puts them together.
            var original = rows[(pair * 37) + 3];
            var copyIndex = count - 1 - (pair * 41);
            rows[copyIndex] = rows[copyIndex] with { Embedding = (float[])original.Embedding.Clone() };
            pairs.Add((original.Id, rows[copyIndex].Id));
        }

        var zero = 1407 % count;
        rows[zero] = rows[zero] with { Embedding = new float[dimension], Group = ZeroGroup };

        // Written in random order: the matrix's row order must not decide ties.
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        return new VectorDataset(rows, dimension, rows.Single(row => row.Embedding.All(value => value == 0)).Id, pairs);
    }

    public static string Id(int index) => string.Create(CultureInfo.InvariantCulture, $"c{index:D5}");

    public static float[] Gaussian(Random random, int dimension, double scale = 1)
    {
        var values = new float[dimension];
        for (var index = 0; index < dimension; index++)
        {
            // Box-Muller; 1 - NextDouble() keeps the logarithm's argument above 0.
            var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            values[index] = (float)(scale * radius * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return values;
    }

    public DatasetRow Row(string id) => Rows.Single(row => row.Id == id);

    /// <summary>Writes every row, in batches of the most one write takes.</summary>
    public async Task WriteAsync(IKnowledgeStore store, string knowledgeBase)
    {
        foreach (var batch in Rows.Chunk(KnowledgeLimits.MaxChunksPerWrite))
        {
            await store.UpsertChunksAsync(knowledgeBase, batch.Select(row => row.ToChunk()).ToList());
        }
    }

    /// <summary>The filters the tests use, each with the predicate the reference applies.</summary>
    public static IReadOnlyList<(IReadOnlyDictionary<string, JsonElement> Filter, Func<DatasetRow, bool> Keep, string Name)> Filters { get; } =
    [
        (Filter(("group", "g1")), row => row.Group == "g1", "group=g1"),
        (Filter(("group", "g2"), ("even", true)), row => row.Group == "g2" && row.Even, "group=g2,even=true"),
        (Filter(("bucket", 3)), row => row.Bucket == 3, "bucket=3"),
    ];

    public static IReadOnlyDictionary<string, JsonElement> Filter(params (string Key, object Value)[] conditions) =>
        conditions.ToDictionary(condition => condition.Key, condition => JsonSerializer.SerializeToElement(condition.Value), StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, JsonElement> NoFilter { get; } = new Dictionary<string, JsonElement>();
}
