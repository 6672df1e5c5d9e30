namespace Compozy.Api.Responses;

/// <summary>
/// The answer of a chunk or document delete: how many chunks were deleted, or <see langword="null"/>
/// when the vector database does not say (Qdrant deletes by filter without counting).
/// </summary>
public sealed record DeletedResponse(int? Deleted);
