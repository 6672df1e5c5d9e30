namespace Compozy.Api.Responses;

/// <summary>The answer of a chunk upsert: how many chunks were written.</summary>
public sealed record WrittenResponse(int Written);
