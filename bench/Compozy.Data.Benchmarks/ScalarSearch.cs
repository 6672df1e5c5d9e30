using Compozy.Data.Knowledge;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The naive baseline of the embedded search: plain <c>for</c> loops over the same rows, one
/// value at a time with <see cref="double"/> accumulation, and a top k kept by insertion into a
/// sorted array. What the SIMD kernels and the heap are measured against.
/// </summary>
internal static class ScalarSearch
{
    public static double[] Norms(ReadOnlySpan<float> rows, int dimension)
    {
        var norms = new double[rows.Length / dimension];
        for (var row = 0; row < norms.Length; row++)
        {
            double sum = 0;
            var offset = row * dimension;
            for (var index = 0; index < dimension; index++)
            {
                sum += (double)rows[offset + index] * rows[offset + index];
            }

            norms[row] = Math.Sqrt(sum);
        }

        return norms;
    }

    /// <summary>The row numbers of the <paramref name="k"/> closest rows, best first (higher key is closer, as in the store).</summary>
    public static int[] TopK(ReadOnlySpan<float> rows, int dimension, double[] norms, float[] query, VectorMetric metric, int k)
    {
        double queryNorm = 0;
        for (var index = 0; index < dimension; index++)
        {
            queryNorm += (double)query[index] * query[index];
        }

        queryNorm = Math.Sqrt(queryNorm);
        var keys = new double[k];
        var best = new int[k];
        var kept = 0;
        for (var row = 0; row < norms.Length; row++)
        {
            var offset = row * dimension;
            double key = 0;
            if (metric == VectorMetric.L2)
            {
                for (var index = 0; index < dimension; index++)
                {
                    var difference = (double)rows[offset + index] - query[index];
                    key += difference * difference;
                }

                key = -Math.Sqrt(key);
            }
            else
            {
                for (var index = 0; index < dimension; index++)
                {
                    key += (double)rows[offset + index] * query[index];
                }

                if (metric == VectorMetric.Cosine)
                {
                    key = queryNorm == 0 || norms[row] == 0 ? 0 : key / (queryNorm * norms[row]);
                }
            }

            if (kept == k && key <= keys[k - 1])
            {
                continue;
            }

            var position = kept < k ? kept++ : k - 1;
            while (position > 0 && keys[position - 1] < key)
            {
                keys[position] = keys[position - 1];
                best[position] = best[position - 1];
                position--;
            }

            keys[position] = key;
            best[position] = row;
        }

        return best[..kept];
    }
}
