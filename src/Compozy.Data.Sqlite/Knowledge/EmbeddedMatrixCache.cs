namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>
/// The loaded matrices of one <c>embedded</c> store, at most one per knowledge base, within a
/// memory bound: adding one that does not fit drops the least recently searched others first.
/// </summary>
/// <remarks>
/// A matrix is immutable once cached, and valid for exactly one revision of its knowledge base:
/// a search asks for the revision it read in its own snapshot, so a write of this process or of
/// another one is never missed, and a search that started before a write still gets the matrix
/// of its snapshot while it is cached. Loading is serialised per knowledge base so that searches
/// arriving together after a write load it once.
/// </remarks>
internal sealed class EmbeddedMatrixCache(long maxBytes)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SemaphoreSlim> _loadGates = new(StringComparer.Ordinal);
    private long _clock;
    private long _bytes;

    /// <summary>The bound, in estimated managed bytes.</summary>
    public long MaxBytes { get; } = maxBytes;

    /// <summary>What the cached matrices take now, estimated.</summary>
    public long Bytes
    {
        get
        {
            lock (_sync)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The matrix of <paramref name="version"/>, if cached.</summary>
    public EmbeddedMatrix? Find(string knowledgeBase, EmbeddedVersion version)
    {
        lock (_sync)
        {
            if (_entries.TryGetValue(knowledgeBase, out var entry)
                && entry.Matrix.Revision == version.Revision
                && entry.Matrix.Identity == version.Identity)
            {
                entry.LastUsed = ++_clock;
                return entry.Matrix;
            }

            return null;
        }
    }

    /// <summary>
    /// Caches <paramref name="matrix"/> unless a later revision of the same knowledge base is
    /// already cached or it is larger than the whole bound. Returns whether it was cached.
    /// </summary>
    public bool Add(string knowledgeBase, EmbeddedMatrix matrix)
    {
        var size = matrix.EstimatedBytes;
        if (size > MaxBytes)
        {
            return false;
        }

        lock (_sync)
        {
            if (_entries.TryGetValue(knowledgeBase, out var existing))
            {
                if (existing.Matrix.Identity == matrix.Identity && existing.Matrix.Revision >= matrix.Revision)
                {
                    return false;
                }

                RemoveLocked(knowledgeBase, existing);
            }

            while (_bytes + size > MaxBytes && _entries.Count > 0)
            {
                var oldest = _entries.MinBy(pair => pair.Value.LastUsed);
                RemoveLocked(oldest.Key, oldest.Value);
            }

            _entries[knowledgeBase] = new Entry(matrix, size) { LastUsed = ++_clock };
            _bytes += size;
            return true;
        }
    }

    /// <summary>Drops the matrix of a knowledge base (after a write, or when it is deleted).</summary>
    public void Remove(string knowledgeBase)
    {
        lock (_sync)
        {
            if (_entries.TryGetValue(knowledgeBase, out var entry))
            {
                RemoveLocked(knowledgeBase, entry);
            }
        }
    }

    /// <summary>The gate that lets one search at a time load a knowledge base.</summary>
    public SemaphoreSlim LoadGate(string knowledgeBase)
    {
        lock (_sync)
        {
            if (!_loadGates.TryGetValue(knowledgeBase, out var gate))
            {
                gate = new SemaphoreSlim(1, 1);
                _loadGates[knowledgeBase] = gate;
            }

            return gate;
        }
    }

    private void RemoveLocked(string knowledgeBase, Entry entry)
    {
        _entries.Remove(knowledgeBase);
        _bytes -= entry.Bytes;
    }

    private sealed class Entry(EmbeddedMatrix matrix, long bytes)
    {
        public EmbeddedMatrix Matrix { get; } = matrix;

        public long Bytes { get; } = bytes;

        public long LastUsed { get; set; }
    }
}
