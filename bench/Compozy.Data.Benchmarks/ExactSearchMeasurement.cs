namespace Compozy.Data.Benchmarks;

/// <summary>One size and metric of the embedded exact search, with its two baselines of the same run over the same memory.</summary>
/// <param name="Count">Rows in the matrix.</param>
/// <param name="Dimension">Values per row.</param>
/// <param name="Metric">cosine, l2 or dot.</param>
/// <param name="Queries">Timed queries per method (after 2 untimed ones), taken in turn: SIMD, scalar, read.</param>
/// <param name="VectorBytes">Bytes of the rows' float32 values: what every query and the read go through.</param>
/// <param name="EstimatedBytes">The matrix's own estimate (<c>EstimatedBytes</c>), which the cache's memory bound counts.</param>
/// <param name="GcDeltaBytes">Managed heap growth from building the matrix (full collections before and after).</param>
/// <param name="SimdP50Us">Median latency of <c>EmbeddedMatrix.Search</c> (top 10), microseconds.</param>
/// <param name="SimdP99Us">99th percentile of the same.</param>
/// <param name="ScalarP50Us">Median latency of the naive scalar loop with a simple top 10.</param>
/// <param name="ScalarP99Us">99th percentile of the same.</param>
/// <param name="ReadP50Us">Median time of a sequential SIMD sum over the same rows: the memory-bandwidth bound.</param>
/// <param name="SimdGigabytesPerSecond">VectorBytes over SimdP50Us, in GB/s (10^9).</param>
/// <param name="ScalarGigabytesPerSecond">VectorBytes over ScalarP50Us.</param>
/// <param name="ReadGigabytesPerSecond">VectorBytes over ReadP50Us.</param>
/// <param name="SpeedUp">ScalarP50Us / SimdP50Us.</param>
/// <param name="OfBandwidth">SimdGigabytesPerSecond / ReadGigabytesPerSecond: 1 would be a search as fast as merely reading the rows.</param>
/// <param name="TopKAgreement">Mean share of the SIMD top 10 also in the scalar top 10 (float against double sums can swap near-ties).</param>
internal sealed record ExactSearchMeasurement(
    int Count,
    int Dimension,
    string Metric,
    int Queries,
    long VectorBytes,
    long EstimatedBytes,
    long GcDeltaBytes,
    double SimdP50Us,
    double SimdP99Us,
    double ScalarP50Us,
    double ScalarP99Us,
    double ReadP50Us,
    double SimdGigabytesPerSecond,
    double ScalarGigabytesPerSecond,
    double ReadGigabytesPerSecond,
    double SpeedUp,
    double OfBandwidth,
    double TopKAgreement);
