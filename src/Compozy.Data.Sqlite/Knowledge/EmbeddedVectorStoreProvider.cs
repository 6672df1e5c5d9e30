using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence;
using Compozy.Data.Stores;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>
/// <c>provider: embedded</c> (Compozy's <c>filesystem</c> maps to it): chunks and float32
/// embeddings in the SQLite database file, written in the same transaction, searched exactly in
/// memory. The default on the sqlite driver.
/// </summary>
public sealed class EmbeddedVectorStoreProvider : IVectorStoreProvider
{
    /// <summary>The provider name.</summary>
    public const string ProviderName = "embedded";

    /// <summary>Compozy's name for a store kept on the local disk.</summary>
    public const string FileSystemAlias = "filesystem";

    /// <summary>The most memory the in-memory matrices of all knowledge bases may take (default 1GB); beyond it the least recently searched are dropped.</summary>
    public const string MaxMemory = "max_memory";

    /// <summary>The bound when <c>options.max_memory</c> is not set.</summary>
    public const long DefaultMaxMemory = 1L << 30;

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = [FileSystemAlias];

    /// <inheritdoc />
    public IReadOnlyList<string> OptionNames { get; } = [MaxMemory];

    /// <inheritdoc />
    public bool IsDefaultFor(string driver) => driver == SqliteDatabaseProvider.DriverName;

    /// <inheritdoc />
    public void Validate(ConfigurationReader reader, VectorDatabaseOptions entry, string driver)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(entry);
        if (driver != SqliteDatabaseProvider.DriverName)
        {
            reader.AddProblem(
                entry.PathOf("provider"),
                $"the embedded store keeps vectors in the SQLite database and needs database.driver: sqlite; with the {driver} driver configure one of: pgvector, qdrant");
            return;
        }

        reader.Read<long?>(entry.PathOf($"options:{MaxMemory}"), ConfigurationValueType.Size(1024 * 1024, 1L << 40));
        foreach (var field in new[] { "url", "path" })
        {
            if (reader.ReadRaw(entry.PathOf(field)) is not null)
            {
                reader.AddWarning(entry.PathOf(field), "is set but the embedded provider does not use it: the vectors are in the SQLite database file (database.path)");
            }
        }
    }

    /// <inheritdoc />
    public void AddServices(IServiceCollection services)
    {
    }

    /// <inheritdoc />
    public IVectorStore Create(VectorDatabaseOptions entry, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(services);
        var maxMemory = entry.Options.TryGetValue(MaxMemory, out var raw) && SizeFormat.TryParse(raw, out var parsed) ? parsed : DefaultMaxMemory;
        return new EmbeddedVectorStore(
            entry,
            new EmbeddedMatrixCache(maxMemory),
            services.GetRequiredService<IDbContextFactory<CompozyDbContext>>(),
            services.GetRequiredService<IDatabaseWriter>(),
            services.GetRequiredService<IStoreDialect>(),
            services.GetRequiredService<IDbErrorClassifier>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System);
    }
}
