using System.Collections.Concurrent;
using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Knowledge;

/// <summary>
/// The vector store of each <c>knowledge.vector_dbs</c> entry (or of the default entry), made
/// once, on first use, by its provider.
/// </summary>
public sealed class VectorStoreRegistry(
    IOptions<CompozyDataOptions> options,
    IEnumerable<IVectorStoreProvider> providers,
    IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, Lazy<IVectorStore>> _stores = new(StringComparer.Ordinal);

    /// <summary>The entries, in configuration order.</summary>
    public IReadOnlyList<VectorDatabaseOptions> Entries => options.Value.Knowledge.VectorDatabases;

    /// <summary>The entry a knowledge base uses when its request names none: the only entry, or the default one.</summary>
    /// <exception cref="RequestValidationException">Several entries are configured, so the request must name one.</exception>
    public VectorDatabaseOptions DefaultEntry(string field) => Entries.Count switch
    {
        1 => Entries[0],
        0 => throw new RequestValidationException(field, "no vector database is configured (knowledge.vector_dbs) and the driver has no default store"),
        _ => throw new RequestValidationException(field, $"is required when several vector databases are configured; allowed: {string.Join(", ", Entries.Select(entry => entry.Id))}"),
    };

    /// <summary>The entry with this id.</summary>
    /// <exception cref="RequestValidationException">No entry has it.</exception>
    public VectorDatabaseOptions Entry(string id, string field) =>
        Entries.FirstOrDefault(entry => entry.Id == id)
        ?? throw new RequestValidationException(field, $"\"{id}\" is not a configured vector database; allowed: {string.Join(", ", Entries.Select(entry => entry.Id))}");

    /// <summary>The store of the entry with this id.</summary>
    /// <exception cref="VectorStoreException">The entry no longer exists in the configuration.</exception>
    public IVectorStore Store(string vectorDbId)
    {
        var entry = Entries.FirstOrDefault(candidate => candidate.Id == vectorDbId)
            ?? throw new VectorStoreException(
                VectorStoreErrorKind.Mismatch,
                $"knowledge bases refer to the vector database \"{vectorDbId}\", which is not in knowledge.vector_dbs any more; add it back, or delete those knowledge bases");
        return _stores.GetOrAdd(entry.Id, _ => new Lazy<IVectorStore>(() => Provider(entry).Create(entry, services))).Value;
    }

    /// <summary>The largest embedding dimension the entry's provider takes (see <see cref="IVectorStoreProvider.MaxDimension"/>).</summary>
    public int MaxDimension(VectorDatabaseOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Math.Min(Provider(entry).MaxDimension, KnowledgeLimits.MaxDimension);
    }

    private IVectorStoreProvider Provider(VectorDatabaseOptions entry) =>
        providers.FirstOrDefault(provider => provider.Name == entry.Provider)
        ?? throw new InvalidOperationException($"{entry.DisplayPath}: no provider named \"{entry.Provider}\" is registered");
}
