namespace Compozy.Data.Qdrant;

/// <summary>One call the store makes, as retries and messages need to know it.</summary>
/// <param name="Action">What the call does, for messages: <c>creating collection "docs"</c>.</param>
/// <param name="Idempotent">
/// Whether sending it again after an attempt that may have been applied (its deadline passed) is
/// harmless: reads, upserts of points with fixed ids, deletes, index creation.
/// </param>
internal sealed record QdrantCall(string Action, bool Idempotent)
{
    /// <summary>What a retry of a call that set no properties (none does) is logged as.</summary>
    public static readonly QdrantCall Unknown = new("a call", Idempotent: false);

    /// <summary>A call that can be repeated after a deadline passed.</summary>
    public static QdrantCall Repeatable(string action) => new(action, Idempotent: true);

    /// <summary>A call that is not repeated after a deadline passed; the caller finds out what happened instead.</summary>
    public static QdrantCall Once(string action) => new(action, Idempotent: false);
}
