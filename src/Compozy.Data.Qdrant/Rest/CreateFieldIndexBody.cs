namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>CreateFieldIndex</c> (<c>PUT /collections/{name}/index</c>).</summary>
internal sealed class CreateFieldIndexBody
{
    public required string FieldName { get; init; }

    /// <summary>A <c>PayloadSchemaType</c>; the store only indexes <c>keyword</c> fields.</summary>
    public required string FieldSchema { get; init; }
}
