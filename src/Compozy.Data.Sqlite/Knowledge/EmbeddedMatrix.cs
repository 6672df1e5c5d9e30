using Compozy.Data.Knowledge;

namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>
/// The embeddings of one knowledge base in memory, for exact search: one contiguous
/// <see cref="float"/> array of rows (row <c>i</c> at <c>i * dimension</c>), each row's norm, chunk
/// id and pre-parsed metadata. The text and the metadata JSON stay in the database; a search
/// reads them for its k results only.
/// </summary>
/// <remarks>
/// Filled once while it is loaded, then only read: searches share it without a lock. A write
/// to the knowledge base makes a new revision, which is loaded into a new matrix; this one is
/// dropped when the last search using it ends. Ties are broken by chunk id, not by position.
/// </remarks>
internal sealed class EmbeddedMatrix
{
    // Managed cost per row besides the vector, for the memory bound: the slots of the id, norm and
    // metadata arrays, the id-to-row dictionary entry, and the id string's object header.
    private const long RowOverheadBytes = 8 + 8 + 8 + 24 + 24;
    private const long StringHeaderBytes = 22;
    private const long FieldBytes = 48;
    private const int MaxInterned = 16_384;

    private readonly Dictionary<string, int> _rowOf;
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private float[] _rows;
    private double[] _norms;
    private string[] _ids;
    private EmbeddedField[][] _metadata;
    private long _variableBytes;

    public EmbeddedMatrix(int dimension, VectorMetric metric, long revision, string identity, int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        Metric = metric;
        Revision = revision;
        Identity = identity;
        capacity = Math.Max(capacity, 16);
        _rows = new float[(long)capacity * dimension];
        _norms = new double[capacity];
        _ids = new string[capacity];
        _metadata = new EmbeddedField[capacity][];
        _rowOf = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
    }

    public int Dimension { get; }

    public VectorMetric Metric { get; }

    /// <summary>The knowledge base revision whose chunks this holds.</summary>
    public long Revision { get; }

    /// <summary>
    /// Which incarnation of the knowledge base this holds (its <c>created_at</c>): a knowledge base
    /// deleted and created again under the same name starts counting revisions anew.
    /// </summary>
    public string Identity { get; }

    public int Count { get; private set; }

    /// <summary>The rows, row <c>i</c> at <c>i * Dimension</c>: the benchmark runs its scalar and memory-read baselines over this same memory.</summary>
    public ReadOnlySpan<float> Rows => _rows.AsSpan(0, Count * Dimension);

    /// <summary>The managed memory it holds, estimated from its arrays and strings.</summary>
    public long EstimatedBytes => (_rows.LongLength * sizeof(float)) + (_ids.LongLength * RowOverheadBytes) + _variableBytes;

    /// <summary>What <paramref name="count"/> rows of <paramref name="dimension"/> take, before any metadata: for deciding whether to load.</summary>
    public static long EstimateBytes(long count, int dimension, long idAndMetadataBytes) =>
        (count * ((dimension * (long)sizeof(float)) + RowOverheadBytes + StringHeaderBytes)) + (2 * idAndMetadataBytes);

    /// <summary>Inserts a row or replaces the one with the same id.</summary>
    public void Upsert(string id, ReadOnlySpan<float> embedding, EmbeddedField[] metadata)
    {
        if (embedding.Length != Dimension)
        {
            throw new ArgumentException($"chunk \"{id}\" has {embedding.Length} values; the matrix holds {Dimension}", nameof(embedding));
        }

        metadata = Intern(metadata);
        if (_rowOf.TryGetValue(id, out var row))
        {
            _variableBytes += MetadataBytes(metadata) - MetadataBytes(_metadata[row]);
        }
        else
        {
            EnsureCapacity(Count + 1);
            row = Count++;
            _ids[row] = id;
            _rowOf[id] = row;
            _variableBytes += StringBytes(id) + MetadataBytes(metadata);
        }

        embedding.CopyTo(_rows.AsSpan(row * Dimension, Dimension));
        _norms[row] = EmbeddedQuery.NormOf(embedding);
        _metadata[row] = metadata;
    }

    /// <summary>The <paramref name="k"/> rows closest to <paramref name="query"/> among those <paramref name="filter"/> lets through, best first.</summary>
    public List<EmbeddedHit> Search(EmbeddedQuery query, int k, EmbeddedFilter? filter)
    {
        if (query.Dimension != Dimension || query.Metric != Metric)
        {
            throw new ArgumentException($"the query has {query.Dimension} values and metric {query.Metric}; the matrix holds {Dimension} and {Metric}", nameof(query));
        }

        var top = new EmbeddedTopK(k);
        var rows = _rows.AsSpan(0, Count * Dimension);
        var count = Count;
        var dimension = Dimension;
        for (var row = 0; row < count; row++)
        {
            // The filter runs first: a chunk it rejects is never scored.
            if (filter is not null && !filter.Matches(_metadata[row]))
            {
                continue;
            }

            var key = query.RankKey(rows.Slice(row * dimension, dimension), _norms[row]);
            if (key >= top.Threshold)
            {
                top.Offer(key, _ids[row]);
            }
        }

        return top.ToBestFirst().ConvertAll(hit => new EmbeddedHit(hit.Id, EmbeddedQuery.ScoreOf(Metric, hit.Key)));
    }

    private static long StringBytes(string value) => StringHeaderBytes + (2L * value.Length);

    private static long MetadataBytes(EmbeddedField[] fields) =>
        fields.Length == 0 ? 0 : 24 + (fields.Length * FieldBytes);

    private void EnsureCapacity(int needed)
    {
        if (needed <= _ids.Length)
        {
            return;
        }

        // Growing by a quarter keeps the idle headroom small (the memory bound counts it) while
        // appends stay amortised O(1).
        var capacity = Math.Max(needed, _ids.Length + (_ids.Length / 4) + 16);
        Array.Resize(ref _rows, checked(capacity * Dimension));
        Array.Resize(ref _norms, capacity);
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _metadata, capacity);
    }

    private EmbeddedField[] Intern(EmbeddedField[] fields)
    {
        if (fields.Length == 0)
        {
            return EmbeddedMetadata.None;
        }

        var interned = new EmbeddedField[fields.Length];
        for (var index = 0; index < fields.Length; index++)
        {
            interned[index] = new EmbeddedField(Intern(fields[index].Key), fields[index].Value.Interned(InternValue));
        }

        return interned;
    }

    // Keys repeat on every chunk and short values (a source, a language) on many: one instance each.
    private string InternValue(string value) => value.Length <= 64 ? Intern(value) : value;

    private string Intern(string value)
    {
        if (_strings.TryGetValue(value, out var existing))
        {
            return existing;
        }

        // Interned strings are never released (removing a row does not know who else shares
        // them), so values unique to each chunk must not fill the table without end.
        if (_strings.Count >= MaxInterned)
        {
            return value;
        }

        _strings[value] = value;
        _variableBytes += StringBytes(value) + 24;
        return value;
    }
}
