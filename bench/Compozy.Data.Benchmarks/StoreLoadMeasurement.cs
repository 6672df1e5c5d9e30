namespace Compozy.Data.Benchmarks;

/// <summary>
/// The embedded store end to end on a SQLite file: chunks written through <c>IKnowledgeStore</c>,
/// then the matrix loaded from the file by the first search, against searches of the cached matrix.
/// </summary>
/// <param name="Count">Chunks in the knowledge base.</param>
/// <param name="Dimension">Values per embedding (cosine).</param>
/// <param name="Writes">Calls of <c>UpsertChunksAsync</c> (1,000 chunks each, synchronous FULL).</param>
/// <param name="WriteSeconds">Time of all the writes.</param>
/// <param name="DatabaseBytes">Size of the database file and its WAL after the writes.</param>
/// <param name="LoadsMs">Each first search after the matrix was dropped from the cache: reading every chunk of the knowledge base from the file (page cache warm) into a new matrix, then the search.</param>
/// <param name="LoadMedianMs">Median of <paramref name="LoadsMs"/>.</param>
/// <param name="CachedSearchP50Us">Median latency of <c>IKnowledgeStore.SearchAsync</c> (top 10) with the matrix cached: read snapshot, revision check, scan, reading the 10 results.</param>
/// <param name="CachedSearchP99Us">99th percentile of the same.</param>
/// <param name="CachedSearches">How many cached searches were timed.</param>
/// <param name="CacheEstimatedBytes">What the store's cache counts for the matrix against <c>max_memory</c>.</param>
/// <param name="GcDeltaBytes">Managed heap growth across the last load (full collections before and after).</param>
/// <param name="LoadOverCachedSearch">LoadMedianMs over CachedSearchP50Us: how many cached searches one load costs.</param>
internal sealed record StoreLoadMeasurement(
    int Count,
    int Dimension,
    int Writes,
    double WriteSeconds,
    long DatabaseBytes,
    IReadOnlyList<double> LoadsMs,
    double LoadMedianMs,
    double CachedSearchP50Us,
    double CachedSearchP99Us,
    int CachedSearches,
    long CacheEstimatedBytes,
    long GcDeltaBytes,
    double LoadOverCachedSearch);
