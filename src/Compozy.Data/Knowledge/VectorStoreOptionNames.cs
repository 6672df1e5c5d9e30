namespace Compozy.Data.Knowledge;

/// <summary>Keys under <c>options</c> that every vector database entry accepts.</summary>
public static class VectorStoreOptionNames
{
    /// <summary>The largest <c>top_k</c> a search may ask for (default <see cref="DefaultMaxTopK"/>).</summary>
    public const string MaxTopK = "max_top_k";

    /// <summary>The default of <see cref="MaxTopK"/>.</summary>
    public const int DefaultMaxTopK = 100;

    /// <summary>The upper bound of <see cref="MaxTopK"/>.</summary>
    public const int MaxMaxTopK = 10_000;

    /// <summary>Every common key.</summary>
    public static IReadOnlyList<string> Common { get; } = [MaxTopK];
}
