namespace Compozy.Data.Qdrant.Rest;

/// <summary>
/// <c>FilterSelector</c> (<c>POST /collections/{name}/points/delete</c>). Deletes by id go through a
/// filter too (<c>has_id</c> and <c>knowledge_base</c>) so that no delete can reach another
/// knowledge base's points.
/// </summary>
internal sealed class DeletePointsBody
{
    public required FilterBody Filter { get; init; }
}
