using Compozy.Data.Knowledge;

namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>A knowledge base's row in <c>knowledge_bases</c>, as the store checks it before using a cached matrix.</summary>
/// <param name="Revision">Incremented by every committed change to its chunks, in any process.</param>
/// <param name="Identity">Its <c>created_at</c> text: tells a knowledge base created again under the same name from the old one.</param>
/// <param name="Dimension">Its stored dimension.</param>
/// <param name="Metric">Its stored metric name.</param>
internal sealed record EmbeddedVersion(long Revision, string Identity, int Dimension, string Metric)
{
    /// <summary>Whether the stored dimension and metric are those of <paramref name="knowledgeBase"/>.</summary>
    public bool Matches(KnowledgeBaseDefinition knowledgeBase) =>
        Dimension == knowledgeBase.Dimension && Metric == Compozy.Data.Persistence.Conventions.StoredNames.Of(knowledgeBase.Metric);
}
