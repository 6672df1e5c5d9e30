using Compozy.Data.Knowledge;

namespace Compozy.Data.Configuration;

/// <summary>One entry of <c>knowledge.vector_dbs</c>, or the default entry used when the list is empty.</summary>
public sealed class VectorDatabaseOptions
{
    /// <summary>The id of the entry used when <c>knowledge.vector_dbs</c> is empty.</summary>
    public const string DefaultId = "default";

    /// <summary>Position in the list, for error messages (<c>knowledge.vector_dbs[2]</c>); -1 for the default entry.</summary>
    public int Index { get; init; }

    /// <summary>Unique id that knowledge bases refer to.</summary>
    public required string Id { get; init; }

    /// <summary>Provider name as configured, for example <c>pgvector</c>, <c>embedded</c> or <c>qdrant</c>; an alias is replaced by the name it stands for.</summary>
    public required string Provider { get; init; }

    /// <summary>Server URL (Qdrant).</summary>
    public Uri? Url { get; init; }

    /// <summary>Local path, for providers that keep files.</summary>
    public string? Path { get; init; }

    /// <summary>Embedding dimension; 0 only for the default entry, whose knowledge bases each set their own.</summary>
    public int Dimension { get; init; }

    /// <summary>Distance metric (default cosine).</summary>
    public VectorMetric Metric { get; init; } = VectorMetric.Cosine;

    /// <summary>The largest <c>top_k</c> a search may ask for (<c>options.max_top_k</c>).</summary>
    public int MaxTopK { get; init; } = VectorStoreOptionNames.DefaultMaxTopK;

    /// <summary>Options, as strings, by key (case-insensitive).</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether this is the default entry rather than one of the list.</summary>
    public bool IsDefault => Index < 0;

    /// <summary>Where the entry is configured, for messages: <c>knowledge.vector_dbs[2]</c>.</summary>
    public string DisplayPath => IsDefault ? "knowledge.vector_dbs (empty: the default store)" : $"knowledge.vector_dbs[{Index}]";

    /// <summary>The configuration path of one of its fields, for <see cref="ConfigurationReader.AddProblem"/>.</summary>
    public string PathOf(string field) => $"knowledge:vector_dbs:{Index}:{field}";
}
