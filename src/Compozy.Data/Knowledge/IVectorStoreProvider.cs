using Compozy.Data.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Knowledge;

/// <summary>
/// One kind of vector store (<c>provider:</c> in <c>knowledge.vector_dbs</c>): how its entries are
/// validated and how a store is made from one. The vector-store counterpart of
/// <see cref="Providers.IDatabaseProvider"/>.
/// </summary>
public interface IVectorStoreProvider
{
    /// <summary>The <c>provider</c> value that selects it.</summary>
    string Name { get; }

    /// <summary>Other <c>provider</c> values accepted for it (Compozy's names), each reported with a warning saying what it maps to.</summary>
    IReadOnlyList<string> Aliases { get; }

    /// <summary>The keys its entries accept under <c>options</c>, besides the common ones.</summary>
    IReadOnlyList<string> OptionNames { get; }

    /// <summary>
    /// The largest embedding dimension its knowledge bases may have, at most
    /// <see cref="KnowledgeLimits.MaxDimension"/>: a knowledge base asking for more is refused
    /// before the store is asked. Providers without a lower limit of their own keep the default.
    /// </summary>
    int MaxDimension => KnowledgeLimits.MaxDimension;

    /// <summary>Whether knowledge bases use this provider when <c>knowledge.vector_dbs</c> is empty, for <paramref name="driver"/>.</summary>
    bool IsDefaultFor(string driver);

    /// <summary>
    /// Checks what only this provider knows about an entry (its options, a required URL, the
    /// database drivers it works with), recording every problem on <paramref name="reader"/>.
    /// </summary>
    void Validate(ConfigurationReader reader, VectorDatabaseOptions entry, string driver);

    /// <summary>Registers what its stores share (HTTP clients, caches). Called once, when the provider is used.</summary>
    void AddServices(IServiceCollection services);

    /// <summary>Makes the store of a validated entry.</summary>
    IVectorStore Create(VectorDatabaseOptions entry, IServiceProvider services);
}
