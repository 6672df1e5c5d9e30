using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Compozy.Data.Knowledge;
using Compozy.Data.Sqlite.Knowledge;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The embedded store's in-memory exact search (<see cref="EmbeddedMatrix.Search"/>: SIMD kernels
/// and a heap top k) on a matrix of random rows, against a naive scalar loop and a sequential
/// read of the same rows, taken in turn query by query so that a disturbance hits all three.
/// </summary>
internal static class EmbeddedExactScenario
{
    public const int TopK = 10;
    private const int WarmUp = 2;

    public static async Task<ExactSearchMeasurement> RunAsync(
        int count, int dimension, VectorMetric metric, TimeSpan budget, int minQueries, int maxQueries, CancellationToken cancellationToken)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var matrix = Build(count, dimension, metric, seed: (count * 31) + dimension);
        var gcDelta = GC.GetTotalMemory(forceFullCollection: true) - before;

        var norms = ScalarSearch.Norms(matrix.Rows, dimension);
        var queries = new VectorDataset("uniform", dimension, count, seed: 7 + dimension);
        var simd = new List<double>();
        var scalar = new List<double>();
        var read = new List<double>();
        double agreement = 0;
        float sink = 0;
        var elapsed = Stopwatch.StartNew();
        for (var round = 0; ; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var timed = round - WarmUp;
            if (timed >= maxQueries || (timed >= minQueries && elapsed.Elapsed > budget))
            {
                break;
            }

            if (timed == 0)
            {
                elapsed.Restart();
            }

            var vector = queries.Next();
            var query = new EmbeddedQuery(vector, metric);

            var start = Stopwatch.GetTimestamp();
            var hits = matrix.Search(query, TopK, filter: null);
            var simdUs = Percentiles.Microseconds(start, Stopwatch.GetTimestamp());

            start = Stopwatch.GetTimestamp();
            var rows = ScalarSearch.TopK(matrix.Rows, dimension, norms, vector, metric, TopK);
            var scalarUs = Percentiles.Microseconds(start, Stopwatch.GetTimestamp());

            start = Stopwatch.GetTimestamp();
            sink += TensorPrimitives.Sum(matrix.Rows);
            var readUs = Percentiles.Microseconds(start, Stopwatch.GetTimestamp());

            if (timed >= 0)
            {
                simd.Add(simdUs);
                scalar.Add(scalarUs);
                read.Add(readUs);
                var scalarIds = rows.Select(Id).ToHashSet(StringComparer.Ordinal);
                agreement += hits.Count(hit => scalarIds.Contains(hit.Id)) / (double)TopK;
            }
        }

        var bytes = (long)count * dimension * sizeof(float);
        var simdP50 = Percentiles.Of(simd, 50);
        var scalarP50 = Percentiles.Of(scalar, 50);
        var readP50 = Percentiles.Of(read, 50);
        var measurement = new ExactSearchMeasurement(
            count,
            dimension,
            Persistence.Conventions.StoredNames.Of(metric),
            simd.Count,
            bytes,
            matrix.EstimatedBytes,
            gcDelta,
            simdP50,
            Percentiles.Of(simd, 99),
            scalarP50,
            Percentiles.Of(scalar, 99),
            readP50,
            bytes / simdP50 / 1000,
            bytes / scalarP50 / 1000,
            bytes / readP50 / 1000,
            scalarP50 / simdP50,
            readP50 / simdP50,
            agreement / simd.Count);
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  exact {count,7:N0} x {dimension,4} {measurement.Metric,-6}: SIMD p50 {simdP50,9:F0} us, scalar {scalarP50,9:F0} us ({measurement.SpeedUp:F1}x), read {readP50,8:F0} us; {simd.Count} queries{(float.IsNaN(sink) ? " " : string.Empty)}")).ConfigureAwait(false);
        GC.KeepAlive(matrix);
        return measurement;
    }

    public static string Id(int row) => "c" + row.ToString("D7", CultureInfo.InvariantCulture);

    private static EmbeddedMatrix Build(int count, int dimension, VectorMetric metric, int seed)
    {
        var matrix = new EmbeddedMatrix(dimension, metric, revision: 1, identity: "bench", capacity: count);
        var dataset = new VectorDataset("uniform", dimension, count, seed);
        var row = new float[dimension];
        for (var index = 0; index < count; index++)
        {
            dataset.Next(row);
            matrix.Upsert(Id(index), row, EmbeddedMetadata.None);
        }

        return matrix;
    }
}
