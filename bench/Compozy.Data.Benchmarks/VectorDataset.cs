namespace Compozy.Data.Benchmarks;

/// <summary>
/// Reproducible random embeddings. <c>uniform</c>: every value uniform in [-1, 1), the hard case
/// for an approximate index (no structure, distances concentrate). <c>clustered</c>: random
/// centroids (uniform in [-1, 1)) plus Gaussian noise, with about a hundred vectors per
/// centroid: neighbours exist and stand out, closer to how real embeddings of related texts lie.
/// Queries are drawn from the same distribution, never copied from the stored rows.
/// </summary>
internal sealed class VectorDataset
{
    /// <summary>Standard deviation of the noise around a centroid, per value (a centroid value's own spread is 0.58).</summary>
    private const double Noise = 0.1;

    private readonly Random _random;
    private readonly float[][] _centroids;

    public VectorDataset(string kind, int dimension, int count, int seed)
    {
        if (kind is not ("uniform" or "clustered"))
        {
            throw new ArgumentException($"dataset kind \"{kind}\" is unknown; allowed: uniform, clustered", nameof(kind));
        }

        Kind = kind;
        Dimension = dimension;
        _random = new Random(seed);
        var centroids = kind == "clustered" ? Math.Max(10, count / 100) : 0;
        _centroids = new float[centroids][];
        for (var index = 0; index < centroids; index++)
        {
            _centroids[index] = new float[dimension];
            FillUniform(_centroids[index]);
        }
    }

    public string Kind { get; }

    public int Dimension { get; }

    public int Centroids => _centroids.Length;

    /// <summary>The next vector of the dataset (rows and queries alike).</summary>
    public void Next(Span<float> vector)
    {
        if (_centroids.Length == 0)
        {
            FillUniform(vector);
            return;
        }

        var centroid = _centroids[_random.Next(_centroids.Length)];
        for (var index = 0; index < vector.Length; index++)
        {
            vector[index] = centroid[index] + (float)(Noise * Gaussian());
        }
    }

    public float[] Next()
    {
        var vector = new float[Dimension];
        Next(vector);
        return vector;
    }

    private void FillUniform(Span<float> vector)
    {
        for (var index = 0; index < vector.Length; index++)
        {
            vector[index] = (_random.NextSingle() * 2) - 1;
        }
    }

    // Box-Muller; one of the pair is enough here.
    private double Gaussian() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
