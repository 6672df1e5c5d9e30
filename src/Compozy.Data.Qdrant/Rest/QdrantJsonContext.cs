using System.Text.Json.Serialization;

namespace Compozy.Data.Qdrant.Rest;

/// <summary>
/// Source-generated serialization of the REST bodies: snake_case as Qdrant's API names them, and
/// unset optional members left out (Qdrant reads a missing member as its default, but rejects a
/// <c>null</c> where its schema does not allow one).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateCollectionBody))]
[JsonSerializable(typeof(CreateFieldIndexBody))]
[JsonSerializable(typeof(UpsertPointsBody))]
[JsonSerializable(typeof(DeletePointsBody))]
[JsonSerializable(typeof(QueryBody))]
[JsonSerializable(typeof(VectorParamsBody))]
[JsonSerializable(typeof(QdrantEnvelope<bool>))]
[JsonSerializable(typeof(QdrantEnvelope<CollectionExistenceResult>))]
[JsonSerializable(typeof(QdrantEnvelope<CollectionInfoResult>))]
[JsonSerializable(typeof(QdrantEnvelope<UpdateResultBody>))]
[JsonSerializable(typeof(QdrantEnvelope<QueryResult>))]
internal sealed partial class QdrantJsonContext : JsonSerializerContext;
